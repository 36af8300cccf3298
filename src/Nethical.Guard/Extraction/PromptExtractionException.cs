namespace Nethical.Guard.Extraction;

/// <summary>Why a body could not be read for screening.</summary>
public enum ExtractionError
{
    MalformedJson,
    InvalidUtf8,
    TooDeep,
    UnexpectedShape,
}

/// <summary>The body cannot be screened. The message is safe to return to a client: it never quotes the body.</summary>
public sealed class PromptExtractionException : Exception
{
    public PromptExtractionException(ExtractionError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    public PromptExtractionException()
    {
    }

    public PromptExtractionException(string message)
        : base(message)
    {
    }

    public PromptExtractionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ExtractionError Error { get; } = ExtractionError.MalformedJson;
}
