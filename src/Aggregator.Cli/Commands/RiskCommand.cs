using System.CommandLine;
using Aggregator.Composition.Configuration;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator risk fund</c>: the insurance fund the risk role keeps, as it last saved it.</summary>
internal static class RiskCommand
{
    public static Command Create(CliContext context)
    {
        var config = new Option<string>("--config") { Description = "AGGREGATOR-CONFIG.json: its stateDirectory holds the risk role's state", Required = true };
        var fund = new Command("fund", "Print the insurance fund per asset (whole units): its balance, what liquidations paid in, what it drew for deficits, the deficits recorded and what of them is outstanding.")
        {
            config,
        };
        fund.SetAction(parseResult =>
        {
            foreach (var line in InsuranceFundState.Read(RunConfigFile.Read(parseResult.GetValue(config)!)))
            {
                context.Output.WriteLine($"{line.Asset}: balance {line.Balance}, credited {line.Credited}, drawn {line.Drawn}, deficits recorded {line.Recorded}, outstanding {line.Outstanding}, deleveraged {line.Deleveraged}");
            }
            return ExitCodes.Success;
        });
        var command = new Command("risk", "The institution-wide figures the risk role keeps.");
        command.Subcommands.Add(fund);
        return command;
    }
}
