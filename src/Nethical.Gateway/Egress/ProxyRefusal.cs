namespace Nethical.Gateway.Egress;

/// <summary>A refusal for the connection handler to send: a status code and a short plain-text reason.</summary>
internal readonly record struct ProxyRefusal(int StatusCode, string Reason);
