using System.Reflection;

namespace Argus.Server.Api;

/// <summary>
/// Unknown query parameters of Argus's own API are a 400 naming them and the nearest valid one: a typo such as
/// <c>?form=</c> for <c>?from=</c> would otherwise return unfiltered data that looks like an answer. The valid names are
/// the handler's parameters bound from the query string (simple types), found once per endpoint when it is built.
/// </summary>
internal static class StrictQuery
{
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        // No handler reads the query string itself, so a handler's simple parameters are its whole list of query
        // parameters, also for handlers that take the request to read its body. A handler that starts reading
        // Request.Query must declare the names it reads as parameters instead.
        var parameters = context.MethodInfo.GetParameters();
        var names = parameters.Where(p => IsSimple(p.ParameterType) && p.Name is not null).Select(p => p.Name!).ToList();
        return invocation =>
        {
            var request = invocation.HttpContext.Request;
            Dictionary<string, string[]>? errors = null;
            foreach (var key in request.Query.Keys)
            {
                if (names.Contains(key, StringComparer.OrdinalIgnoreCase) || request.RouteValues.ContainsKey(key))
                {
                    continue;
                }

                var valid = names.Where(n => !request.RouteValues.ContainsKey(n)).ToList();
                errors ??= new(StringComparer.Ordinal);
                errors[key] = [StrictJson.Nearest(key, valid) is { } near
                    ? $"unknown query parameter '{key}'; did you mean '{near}'?"
                    : valid.Count == 0
                        ? $"unknown query parameter '{key}'; this endpoint takes none."
                        : $"unknown query parameter '{key}'; the parameters are {string.Join(", ", valid)}."];
            }

            return errors is null
                ? next(invocation)
                : ValueTask.FromResult<object?>(TypedResults.ValidationProblem(errors, "The query has unknown parameters.", title: "Invalid request"));
        };
    }

    // An array of a simple type binds a repeated query parameter (?attr=a&attr=b).
    private static bool IsSimple(Type type)
    {
        type = type.IsArray ? type.GetElementType()! : type;
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTimeOffset)
            || type == typeof(DateTime) || type == typeof(TimeSpan) || type == typeof(Guid);
    }
}
