using System.Buffers;
using System.Text.Json;
using Nethical.Guard.Extraction;

namespace Nethical.Gateway.Http;

/// <summary>
/// Writes errors in each provider's own shape, so that SDKs raise their normal API error with our message.
/// </summary>
internal static class ProviderErrorWriter
{
    /// <summary>The error code for a blocked prompt injection.</summary>
    public const string PromptInjectionCode = "prompt_injection_detected";

    /// <summary>Answers with <paramref name="refusal"/> in the provider's error shape, not cached.</summary>
    public static Task WriteAsync(HttpContext context, ProviderFormat format, HttpRefusal refusal)
        => WriteAsync(context, format, refusal.Status, refusal.Code, refusal.Message);

    public static async Task WriteAsync(HttpContext context, ProviderFormat format, int statusCode, string code, string message)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";

        var body = Serialize(format, statusCode, code, message);
        response.ContentLength = body.WrittenCount;
        await response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The error body in the provider's shape, for a writer that is not an <see cref="HttpContext"/> (egress).</summary>
    public static ArrayBufferWriter<byte> Serialize(ProviderFormat format, int statusCode, string code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer);
        Write(writer, format, statusCode, code, message);
        writer.Flush();
        return buffer;
    }

    private static void Write(Utf8JsonWriter writer, ProviderFormat format, int statusCode, string code, string message)
    {
        writer.WriteStartObject();
        switch (format)
        {
            case ProviderFormat.Anthropic:
                // {"type":"error","error":{"type":"invalid_request_error","message":"..."}}
                writer.WriteString("type", "error");
                writer.WriteStartObject("error");
                writer.WriteString("type", statusCode == StatusCodes.Status413PayloadTooLarge ? "request_too_large" : "invalid_request_error");
                writer.WriteString("message", message);
                writer.WriteString("code", code);
                writer.WriteEndObject();
                break;

            case ProviderFormat.Gemini:
                // Google APIs: {"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT"}}
                writer.WriteStartObject("error");
                writer.WriteNumber("code", statusCode);
                writer.WriteString("message", message);
                writer.WriteString("status", statusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "FAILED_PRECONDITION",
                    StatusCodes.Status408RequestTimeout => "DEADLINE_EXCEEDED",
                    _ => "INVALID_ARGUMENT",
                });
                writer.WriteEndObject();
                break;

            case ProviderFormat.Ollama:
                // Ollama: {"error":"..."}
                writer.WriteString("error", message);
                break;

            default:
                // OpenAI and compatible servers: {"error":{"message","type","param","code"}}
                writer.WriteStartObject("error");
                writer.WriteString("message", message);
                writer.WriteString("type", "invalid_request_error");
                writer.WriteNull("param");
                writer.WriteString("code", code);
                writer.WriteEndObject();
                break;
        }

        writer.WriteEndObject();
    }
}
