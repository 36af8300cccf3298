using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nethical.LoadTests.Scenarios;

/// <summary>Words and the OpenAI chat body writer the sources share.</summary>
internal static class ChatBodies
{
    private static readonly string[] s_words =
    [
        "the", "report", "customer", "quarter", "revenue", "please", "summarise", "table", "meeting", "invoice", "budget",
        "project", "deadline", "review", "draft", "email", "policy", "update", "schedule", "travel", "contract", "supplier",
        "analysis", "forecast", "team", "product", "release", "feature", "request", "support", "ticket", "account", "service",
        "database", "query", "latency", "network", "server", "deploy", "pipeline", "build", "test", "coverage", "module",
        "function", "variable", "explain", "compare", "translate", "french", "german", "recipe", "garden", "weather", "history",
        "museum", "concert", "library", "student", "lesson", "chapter", "summary", "question", "answer", "example", "detail",
        "morning", "evening", "weekend", "holiday", "office", "kitchen", "bicycle", "station", "airport", "hotel", "river",
        "mountain", "forest", "city", "market", "price", "order", "delivery", "warehouse", "shipment", "inventory", "a", "of",
        "and", "to", "in", "for", "with", "on", "about", "from", "by", "this", "that", "our", "my", "your", "their", "new",
    ];

    public static readonly string[] SystemPrompts =
    [
        "You are a helpful assistant.",
        "You are a concise assistant for a finance team. Answer in short bullet points.",
        "You are a support agent for an online shop. Be polite and ask for the order number when needed.",
        "You are a coding assistant. Prefer C# examples and explain trade-offs briefly.",
        "You are a travel planner. Suggest itineraries with times and prices in euros.",
    ];

    /// <summary>Appends random words until <paramref name="builder"/> holds about <paramref name="length"/> characters.</summary>
    public static void AppendWords(StringBuilder builder, Random random, int length)
    {
        var target = builder.Length + length;
        while (builder.Length < target)
        {
            if (builder.Length > 0 && builder[^1] != '\n')
            {
                builder.Append(' ');
            }

            builder.Append(s_words[random.Next(s_words.Length)]);
        }
    }

    public static string Words(Random random, int length)
    {
        var builder = new StringBuilder(length + 16);
        AppendWords(builder, random, length);
        return builder.ToString();
    }

    public static string Tag(long sequence) => "#" + sequence.ToString(CultureInfo.InvariantCulture) + ":";

    /// <summary>One chat message: a role and its text, or a tool call or a tool result.</summary>
    public readonly record struct Message(string Role, string? Content, string? ToolCallId = null, string? ToolName = null, string? ToolArguments = null);

    public static byte[] Write(IReadOnlyList<Message> messages, bool stream, bool withTools)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model", "gpt-4o-mini");
            if (stream)
            {
                writer.WriteBoolean("stream", true);
            }

            writer.WriteStartArray("messages");
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role", message.Role);
                if (message.ToolName is not null)
                {
                    writer.WriteNull("content");
                    writer.WriteStartArray("tool_calls");
                    writer.WriteStartObject();
                    writer.WriteString("id", message.ToolCallId);
                    writer.WriteString("type", "function");
                    writer.WriteStartObject("function");
                    writer.WriteString("name", message.ToolName);
                    writer.WriteString("arguments", message.ToolArguments);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    writer.WriteEndArray();
                }
                else
                {
                    writer.WriteString("content", message.Content);
                    if (message.ToolCallId is not null)
                    {
                        writer.WriteString("tool_call_id", message.ToolCallId);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (withTools)
            {
                writer.WriteStartArray("tools");
                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", "search_documents");
                writer.WriteString("description", "Search the company's documents.");
                writer.WriteStartObject("parameters");
                writer.WriteString("type", "object");
                writer.WriteStartObject("properties");
                writer.WriteStartObject("query");
                writer.WriteString("type", "string");
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
