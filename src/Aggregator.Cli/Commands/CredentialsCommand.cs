using System.CommandLine;
using System.Globalization;
using Aggregator.Api.Access;
using Aggregator.Composition.Configuration;
using Aggregator.Core.Errors;

namespace Aggregator.Cli.Commands;

/// <summary>
/// <c>aggregator credentials</c>: account owners' credentials for the API (issue, list, revoke), kept in
/// the store the run configuration's "api" section names, and new protocol keys for that section.
/// </summary>
internal static class CredentialsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("credentials", "Manage the API's credentials: account owners' (issue, list, revoke; the store is the file the configuration's api.credentials names, which the api role re-reads within a second of a change) and protocol keys (key).");
        command.Subcommands.Add(Issue(context));
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Revoke(context));
        command.Subcommands.Add(Key(context));
        return command;
    }

    private static Option<string> Config() => new("--config") { Description = "AGGREGATOR-CONFIG.json, whose api.credentials names the store", Required = true };

    private static string StorePath(ParseResult parseResult, Option<string> config) =>
        RunConfigFile.Read(parseResult.GetValue(config)!).Api?.CredentialsFile
            ?? throw new InputException("the configuration has no \"api\" section, so no credential store", file: parseResult.GetValue(config), field: "$.api");

    private static Command Issue(CliContext context)
    {
        var config = Config();
        var account = new Option<string>("--account") { Description = "The account the credential reads", Required = true };
        var expires = new Option<int?>("--expires") { Description = "Days until it expires (default: never; revoke it to end it)" };
        expires.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 3650)
            {
                result.AddError("--expires is 1 to 3650 days");
            }
        });
        var command = new Command("issue", "Issue a credential for an account: printed once, never stored (the store keeps its SHA-256). The owner sends it as Authorization: Bearer CREDENTIAL.") { config, account, expires };
        command.SetAction(parseResult =>
        {
            var id = parseResult.GetValue(account)!;
            if (id.Length is 0 or > 256)
            {
                throw new InputException("an account id is 1 to 256 characters", field: "--account");
            }
            var days = parseResult.GetValue(expires);
            var (credential, record) = CredentialStore.Change(StorePath(parseResult, config), store =>
                store.Issue(id, DateTimeOffset.UtcNow, days is { } d ? TimeSpan.FromDays(d) : null));
            context.Output.WriteLine(credential);
            context.Error.WriteLine($"credential {record.Id} for '{record.Account}' issued{(record.ExpiresAt is { } at ? $", expires {at:u}" : ", never expires")}: give it to the account's owner now; it is not shown again");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var config = Config();
        var command = new Command("list", "List the issued credentials: id, account, issued, expires, revoked (never the credentials themselves).") { config };
        command.SetAction(parseResult =>
        {
            var store = CredentialStore.Read(StorePath(parseResult, config));
            var now = DateTimeOffset.UtcNow;
            context.Output.WriteLine("id               state    issued               expires              account");
            foreach (var record in store.Records)
            {
                var state = record.RevokedAt is not null ? "revoked" : record.IsLive(now) ? "live" : "expired";
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{record.Id} {state,-8} {record.IssuedAt:yyyy-MM-dd HH:mm:ss}  {(record.ExpiresAt is { } at ? at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "never"),-19}  {record.Account}"));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var config = Config();
        var id = new Option<string?>("--id") { Description = "The credential's id (from `credentials list`)" };
        var account = new Option<string?>("--account") { Description = "Revoke every live credential of this account" };
        var command = new Command("revoke", "Revoke a credential, or all of an account's; the api role refuses it within a second.") { config, id, account };
        command.SetAction(parseResult =>
        {
            var (byId, byAccount) = (parseResult.GetValue(id), parseResult.GetValue(account));
            if ((byId is null) == (byAccount is null))
            {
                throw new InputException("give --id or --account (one of them)", field: "--id");
            }
            var revoked = CredentialStore.Change(StorePath(parseResult, config), store => store.Revoke(byId, byAccount, DateTimeOffset.UtcNow));
            if (revoked.Count == 0)
            {
                context.Error.WriteLine($"no live credential {(byId is not null ? $"with id {byId}" : $"of '{byAccount}'")}");
                return ExitCodes.CheckFailed;
            }
            foreach (var record in revoked)
            {
                context.Output.WriteLine($"revoked {record.Id} ('{record.Account}')");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Key(CliContext context)
    {
        var command = new Command("key", "Make a protocol key: prints the key (give it to the protocol; it is not shown again) and the SHA-256 to put in the configuration's api.protocolKeys.");
        command.SetAction(_ =>
        {
            var (key, sha256) = ProtocolKey.Generate();
            context.Output.WriteLine(key);
            context.Error.WriteLine($"sha256: {sha256}  (api.protocolKeys: {{ \"name\": …, \"sha256\": \"{sha256}\", \"accounts\": [ … ] }})");
            return ExitCodes.Success;
        });
        return command;
    }
}
