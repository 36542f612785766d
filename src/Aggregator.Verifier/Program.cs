using Aggregator.Verifier;

return VerifierApplication.Run(args, Console.Out, Console.Error);
