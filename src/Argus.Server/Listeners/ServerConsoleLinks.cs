using Argus.Core.Links;
using Argus.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Argus.Server.Listeners;

/// <summary>Console links on <c>Argus:PublicUrl</c>, or on the API listener's address once it is bound.</summary>
internal sealed class ServerConsoleLinks(IOptions<ArgusOptions> options, ListenerRegistry listeners) : IConsoleLinks
{
    public Uri? To(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var root = string.IsNullOrEmpty(options.Value.PublicUrl) ? listeners.GetUrl(ListenerKind.Api) : new Uri(options.Value.PublicUrl);
        if (root is null)
        {
            return null;
        }

        // A public URL with a path (https://example.com/argus) keeps it: the console's paths go below it.
        var basePath = root.AbsoluteUri.EndsWith('/') ? root.AbsoluteUri : root.AbsoluteUri + "/";
        return new Uri(new Uri(basePath), path.TrimStart('/'));
    }
}
