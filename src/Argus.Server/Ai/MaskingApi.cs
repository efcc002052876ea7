using Argus.AI.Masking;
using Argus.Server.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Argus.Server.Ai;

internal sealed record MaskPreviewRequest(string? Text);

internal sealed record MaskPreviewResponse(string MaskedText, IReadOnlyDictionary<string, int> Kinds, int Masked);

/// <summary><c>POST /api/mask/preview</c>: what a text would look like when it leaves for an external LLM.</summary>
internal static class MaskingApi
{
    /// <summary>Preview bodies are for people to read; a megabyte is plenty and bounds the work.</summary>
    private const int MaxPreviewChars = 1 << 20;

    public static RouteGroupBuilder MapMaskingApi(this RouteGroupBuilder api)
    {
        api.MapPost("/mask/preview", Preview).RequireAuthorization(ArgusPolicies.Read);
        return api;
    }

    private static Results<Ok<MaskPreviewResponse>, ValidationProblem> Preview(MaskPreviewRequest request)
    {
        if (request.Text is null || request.Text.Length > MaxPreviewChars)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["text"] = [$"'text' is required, at most {MaxPreviewChars} characters."],
            });
        }

        var preview = SensitiveDataMasker.Preview(request.Text, MaskingOptions.Default);
        var kinds = preview.Kinds.ToDictionary(k => k.Key.ToString(), k => k.Value);
        return TypedResults.Ok(new MaskPreviewResponse(preview.MaskedText, kinds, kinds.Values.Sum()));
    }
}
