using Aggregator.InclusionProver;

return InclusionProverApplication.Run(args, Console.Out, Console.Error);
