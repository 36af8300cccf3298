namespace Nethical.Guard.ShadowAi;

/// <summary>What the shadow-AI policy does with a request.</summary>
public enum ShadowAiAction
{
    /// <summary>Not AI, or sanctioned AI: pass untouched.</summary>
    Allow,

    /// <summary>Unsanctioned AI under a monitoring policy: pass, log, tag.</summary>
    Flag,

    /// <summary>Unsanctioned AI under an enforcing policy: refuse.</summary>
    Block,
}
