using System.Text.Json;
using Argus.AI.Providers;
using Argus.AI.Roles;
using Microsoft.Extensions.AI;

namespace Argus.AI.Tests.Roles;

public sealed class RoleTests
{
    private static ProviderRegistry Providers() => new(new Dictionary<string, ProviderOptions>
    {
        ["primary"] = new() { Type = "openai", BaseUrl = "http://127.0.0.1:9/v1", ApiKey = "k" },
        ["backup"] = new() { Type = "anthropic", BaseUrl = "http://127.0.0.1:9", ApiKey = "k" },
    });

    [Fact]
    public void Built_in_roles_are_valid()
    {
        using var providers = Providers();
        foreach (var role in BuiltInRoles.All)
        {
            var result = RoleValidator.Validate(role, providers);
            Assert.True(result.IsValid, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        }
    }

    [Fact]
    public void Template_uses_values_then_defaults_and_reports_what_is_missing()
    {
        var role = new RoleDefinition
        {
            SystemMessage = "Explain {{ query }} to {{audience}} in {{language}}.",
            Variables = [new RoleVariable("query"), new RoleVariable("audience", Default: "developers"), new RoleVariable("language")],
        };
        var text = RoleTemplate.Render(role, new Dictionary<string, string> { ["query"] = "SELECT 1" }, out var missing);
        Assert.Equal("Explain SELECT 1 to developers in {{language}}.", text);
        Assert.Equal(["language"], missing);
    }

    [Fact]
    public void Yaml_role_parses_with_types_and_a_tenant()
    {
        var yaml = RoleYamlLoader.Parse("x.yaml", """
            tenant: team-a
            code: sql-explainer
            name: SQL explainer
            systemMessage: "You explain slow SQL to {{audience}}."
            variables: [{ name: audience, default: "42" }]
            chain:
              - { provider: primary, model: gpt-4o-mini, timeoutMs: 20000 }
              - provider: backup
                model: claude-sonnet-4-5
            parameters: { temperature: 0.2, topP: 0.9, maxOutputTokens: 800 }
            rateLimit: { interval: "00:00:10", burst: 2 }
            masking: true
            """);
        Assert.Null(yaml.Error);
        Assert.Equal("team-a", yaml.Tenant);
        var role = yaml.Role!;
        Assert.Equal("42", role.Variables[0].Default);
        Assert.Equal(20000, role.Chain[0].TimeoutMs);
        Assert.Equal("claude-sonnet-4-5", role.Chain[1].Model);
        Assert.Equal(0.2f, role.Parameters.Temperature);
        Assert.Equal(TimeSpan.FromSeconds(10), role.RateLimit!.Interval);
        Assert.Equal(2, role.RateLimit.Burst);
        Assert.Equal(MaskingMode.On, role.Masking.Mode);
        using var providers = Providers();
        Assert.True(RoleValidator.Validate(role, providers).IsValid);
    }

    [Theory]
    [InlineData("masking: false", MaskingMode.Auto, "")]
    [InlineData("masking: off", MaskingMode.Off, "")]
    [InlineData("masking: { mode: on, enable: [sqlIdentifier], disable: [phone] }", MaskingMode.On, "sqlIdentifier/phone")]
    [InlineData("description: no masking key", MaskingMode.Auto, "")]
    public void Yaml_masking_reads_booleans_modes_and_kinds(string line, MaskingMode mode, string kinds)
    {
        var yaml = RoleYamlLoader.Parse("r.yaml", "code: r\nname: R\nsystemMessage: hi\nchain: [{ provider: argus }]\n" + line + "\n");
        Assert.Null(yaml.Error);
        var masking = yaml.Role!.Masking;
        Assert.Equal(mode, masking.Mode);
        Assert.Equal(kinds, masking.Enable.Count + masking.Disable.Count == 0 ? "" : string.Join(",", masking.Enable) + "/" + string.Join(",", masking.Disable));
        Assert.False(masking.MasksLink("argus") && mode != MaskingMode.On);
        Assert.Equal(mode != MaskingMode.Off, masking.MasksLink("openai-primary"));
    }

    [Fact]
    public async Task Built_in_analyst_answers_a_schema_it_has_no_logic_for_with_a_valid_instance()
    {
        var schema = JsonDocument.Parse("""
            {"type":"object","properties":{"severity":{"type":"string","enum":["LOW","HIGH"]},"count":{"type":"integer","minimum":1},
             "tags":{"type":"array","items":{"type":"string"}},"nested":{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"],"additionalProperties":false}},
             "required":["severity","count","tags","nested"],"additionalProperties":false}
            """).RootElement;
        using var analyst = new ArgusAnalystChatClient();
        var response = await analyst.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "x") });
        Assert.Empty(Argus.AI.Schema.JsonSchemaSubset.Validate(schema, JsonDocument.Parse(response.Text).RootElement));
        Assert.Equal(ArgusAnalystChatClient.ModelId, response.ModelId);
    }
}
