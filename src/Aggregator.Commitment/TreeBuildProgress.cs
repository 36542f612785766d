namespace Aggregator.Commitment;

/// <summary>How many of the tree's Poseidon hashes are done.</summary>
public readonly record struct TreeBuildProgress(long HashesDone, long HashesTotal)
{
    public double Fraction => HashesTotal == 0 ? 1 : (double)HashesDone / HashesTotal;
}
