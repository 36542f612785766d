using System.Globalization;
using Aggregator.Bench;

// Benchmarks whose figures go to bench/RESULTS.md. Run in Release:
//   dotnet run -c Release --project bench/Aggregator.Bench -- tree [accounts] [depth] [assets]
//   dotnet run -c Release --project bench/Aggregator.Bench -- margin [accounts] [updates] [updatesPerTick]
//   dotnet run -c Release --project bench/Aggregator.Bench -- proofs [inclusionProofs] [verifications]
//   dotnet run -c Release --project bench/Aggregator.Bench -- commands AGGREGATOR_VERIFY AGGREGATOR_PROVE [AGGREGATOR] [runs]   (Native AOT publishes of src/Aggregator.Verifier and src/Aggregator.InclusionProver; AGGREGATOR: the built CLI by default)
//   dotnet run -c Release --project bench/Aggregator.Bench -- gas
//   dotnet run -c Release --project bench/Aggregator.Bench -- ceremony
//   dotnet run -c Release --project bench/Aggregator.Bench -- evm [addresses] [naiveSample]
//   dotnet run -c Release --project bench/Aggregator.Bench -- solana [owners]
//   dotnet run -c Release --project bench/Aggregator.Bench -- bus [accounts] [batches] [batchSize] [amqps://127.0.0.1:PORT/ CREDENTIALS-FOLDERS: published as 'adapter', taken as 'engine']
//   dotnet run -c Release --project bench/Aggregator.Bench -- latency [accounts] [ticks] [amqps://all@…, with AGGREGATOR_BUS_CREDENTIALS]
//   dotnet run -c Release --project bench/Aggregator.Bench -- prover [runs]
//   dotnet run -c Release --project bench/Aggregator.Bench -- tree-workers ACCOUNTS DEPTH K JOB_ACCOUNTS BROKER_URL CREDENTIALS_ROOT   (deploy/local/rabbitmq.sh start prints the last two)
//   dotnet run -c Release --project bench/Aggregator.Bench -- proving-replicas ACCOUNTS BATCH BROKER_URL CREDENTIALS_ROOT
//   dotnet run -c Release --project bench/Aggregator.Bench -- field [values]
//   dotnet run -c Release --project bench/Aggregator.Bench -- api [accounts] [seconds] [subscribers] [eventsPerSecond]   (needs wrk)
//   dotnet run -c Release --project bench/Aggregator.Bench -- api-inclusion [proofs] [precompute: true|false]
//   dotnet run -c Release --project bench/Aggregator.Bench -- verifier-page [runs]   (needs Debian's chromium)
var mode = args.Length > 0 ? args[0] : "tree";
switch (mode)
{
    case "tree":
        TreeBenchmark.Run(
            accounts: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1 << 20,
            depth: args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20,
            assets: args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4);
        break;
    case "tree-workers":
        await TreeWorkersBenchmark.RunAsync(
            accounts: int.Parse(args[1], CultureInfo.InvariantCulture),
            depth: int.Parse(args[2], CultureInfo.InvariantCulture),
            assets: int.Parse(args[3], CultureInfo.InvariantCulture),
            jobAccounts: int.Parse(args[4], CultureInfo.InvariantCulture),
            brokerUrl: args[5],
            credentialsRoot: args[6]);
        break;
    case "proving-replicas":
        await ProvingReplicasBenchmark.RunAsync(
            accounts: int.Parse(args[1], CultureInfo.InvariantCulture),
            batch: int.Parse(args[2], CultureInfo.InvariantCulture),
            brokerUrl: args[3],
            credentialsRoot: args[4]);
        break;
    case "margin":
        MarginBenchmark.Run(
            accounts: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000,
            updates: args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10_000_000,
            updatesPerTick: args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 100_000);
        break;
    case "montecarlo":
        MarginBenchmark.RunMonteCarlo(
            accounts: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000,
            draws: args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20);
        break;
    case "proofs":
        await ProofBenchmark.Run(
            inclusionProofs: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5,
            verifications: args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50);
        break;
    case "commands":
        await CommandsBenchmark.Run(args[1], args[2], args.Length > 3 ? args[3] : null, args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 7);
        break;
    case "gas":
        await RegistryGasBenchmark.Run();
        break;
    case "ceremony":
        await CeremonyBenchmark.Run();
        break;
    case "evm":
        await EvmBenchmark.Run(
            addresses: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000,
            naiveSample: args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4_000);
        break;
    case "solana":
        await SolanaBenchmark.Run(owners: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000);
        break;
    case "bus":
        await BusBenchmark.Run(
            accounts: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000,
            batches: args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500,
            batchSize: args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1000,
            rabbitMq: args.Length > 4 ? args[4] : null,
            credentials: args.Length > 5 ? args[5] : null);
        break;
    case "latency":
        await LatencyBenchmark.Run(
            accounts: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000,
            ticks: args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30,
            rabbitMq: args.Length > 3 ? args[3] : null);
        break;
    case "prover":
        await ProverBenchmark.Run(runs: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10);
        break;
    case "field":
        FieldBenchmark.Run(values: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000);
        break;
    case "api":
        await ApiBenchmark.Run(
            accounts: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000,
            seconds: args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10,
            subscribers: args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 100,
            eventsPerSecond: args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1_000);
        break;
    case "api-inclusion":
        await ApiBenchmark.RunInclusion(
            proofs: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30,
            precompute: args.Length > 2 && bool.Parse(args[2]));
        break;
    case "verifier-page":
        await VerifierPageBenchmark.Run(runs: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10);
        break;
    default:
        Console.Error.WriteLine($"unknown benchmark '{mode}'; known: tree, margin, proofs, gas, ceremony, evm, solana, bus, latency, prover, field, api, api-inclusion, verifier-page");
        return 2;
}
return 0;
