using Aggregator.Cli;

return CliApplication.Run(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);
