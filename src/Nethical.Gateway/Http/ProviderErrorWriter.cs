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

    public static async Task WriteAsync(HttpContext context, ProviderFormat format, int statusCode, string code, string message)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, format, statusCode, code, message);
        }

        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    internal static void Write(Utf8JsonWriter writer, ProviderFormat format, int statusCode, string code, string message)
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
