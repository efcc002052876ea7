using System.Text.Json.Nodes;
using Argus.IntegrationTests.Infrastructure;
using Argus.Server.Ai;
using Argus.Server.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.IntegrationTests.Ai;

/// <summary>A built-in role that a newer Argus changed is upgraded at start, unless the tenant edited it.</summary>
public sealed class BuiltInRoleUpgradeTests
{
    [Fact]
    public async Task Unedited_built_ins_follow_argus_and_edited_ones_stay()
    {
        using var folder = new TestDataFolder();
        var dataPath = folder.Path;
        await using (var first = await ArgusTestServer.StartAsync(dataPath))
        {
            // As an older Argus left it: the alert analyzer without its report schema.
            var factory = first.Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();
            await using (var db = await factory.CreateDbContextAsync())
            {
                var version = await db.Set<RoleVersionEntity>().SingleAsync(v => v.TenantId == "default" && v.Code == "alert-analyzer");
                var old = JsonNode.Parse(version.Definition)!.AsObject();
                old.Remove("responseFormat");
                version.Definition = old.ToJsonString();
                await db.SaveChangesAsync();
            }

            // The tenant edits another built-in: its edit must stand.
            using var client = first.ApiClient();
            var tracker = JsonNode.Parse((await first.GetJsonAsync("api/roles/oncall-assistant")).GetProperty("role").GetRawText())!.AsObject();
            tracker["description"] = "Our own on-call assistant.";
            (await client.PutAsync("api/roles/oncall-assistant", AiTestHelpers.Json(tracker))).EnsureSuccessStatusCode();
        }

        await using var second = await ArgusTestServer.StartAsync(dataPath);
        var analyzer = await second.GetJsonAsync("api/roles/alert-analyzer");
        Assert.Equal(2, analyzer.GetProperty("version").GetInt32());
        Assert.Equal("incident_report_format", analyzer.GetProperty("role").GetProperty("responseFormat").GetProperty("name").GetString());
        var oncall = await second.GetJsonAsync("api/roles/oncall-assistant");
        Assert.Equal("Our own on-call assistant.", oncall.GetProperty("role").GetProperty("description").GetString());
        Assert.Equal(2, oncall.GetProperty("latestVersion").GetInt32());
    }
}
