namespace Nethical.LoadTests.Scenarios;

/// <summary>Makes the request bodies of a run; safe to call from several clients at once.</summary>
internal interface IRequestSource
{
    byte[] Next();
}
