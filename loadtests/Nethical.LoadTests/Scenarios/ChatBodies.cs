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

    private static readonly string[] s_subjects =
    [
        "The quarterly report", "Our support team", "The new office in the harbour district", "The shipping schedule",
        "The customer survey", "The onboarding guide", "The finance department", "The product roadmap", "This release",
        "The marketing plan", "The warehouse in Leeds", "The training course", "The project budget", "Your order",
        "The meeting notes", "The travel policy", "The museum exhibition", "The research team", "The second chapter",
    ];

    private static readonly string[] s_verbs =
    [
        "covers", "describes", "summarises", "includes", "reviews", "compares", "explains", "lists", "highlights",
        "outlines", "updates", "confirms",
    ];

    private static readonly string[] s_objects =
    [
        "revenue by region and the staffing plan for next year", "the delivery times for the spring season",
        "three options with their costs and risks", "the main findings of the interviews", "the steps to set up a new account",
        "the changes since the last version", "the timeline for the move in June", "prices in euros and the payment terms",
        "the results of the pilot in two cities", "what went well and what we would change", "the opening hours and contacts",
        "the reading list for the first week", "the inventory levels in each warehouse", "a short history of the building",
    ];

    private static readonly string[] s_tails =
    [
        "in some detail.", "for the leadership team.", "with a few examples.", "as agreed last week.", "in plain language.",
        "for new colleagues.", "with the figures attached.", "before the deadline.", "in the appendix.", "at the end of the month.",
    ];

    private static readonly string[] s_items = ["blue ceramic mug", "tea towel", "notebook", "desk lamp", "travel adapter", "wool scarf", "water bottle", "phone case"];

    private static readonly string[] s_cities = ["Leeds", "Lyon", "Porto", "Graz", "Utrecht", "Bergen", "Kraków", "Seville"];

    /// <summary>
    /// Appends plain prose (sentences from a subject, verb, object and tail bank, e.g. "The quarterly report covers
    /// revenue by region and the staffing plan for next year in some detail.") until <paramref name="builder"/> holds
    /// about <paramref name="length"/> characters: what assistant answers and documents read like, unlike random words.
    /// </summary>
    public static void AppendProse(StringBuilder builder, Random random, int length)
    {
        var target = builder.Length + length;
        while (builder.Length < target)
        {
            if (builder.Length > 0 && builder[^1] != '\n')
            {
                builder.Append(' ');
            }

            builder.Append(s_subjects[random.Next(s_subjects.Length)]).Append(' ')
                .Append(s_verbs[random.Next(s_verbs.Length)]).Append(' ')
                .Append(s_objects[random.Next(s_objects.Length)]).Append(' ')
                .Append(s_tails[random.Next(s_tails.Length)]);
        }
    }

    public static string Prose(Random random, int length)
    {
        var builder = new StringBuilder(length + 128);
        AppendProse(builder, random, length);
        return builder.ToString();
    }

    /// <summary>
    /// A tool result of about <paramref name="length"/> characters: order records, as a shop's order-lookup tool
    /// returns them ("Order 48213: 2 x blue ceramic mug; shipped 3 March from Lyon; status delivered.").
    /// </summary>
    public static string ToolResult(Random random, int length)
    {
        var builder = new StringBuilder(length + 128);
        builder.Append("Results:");
        while (builder.Length < length)
        {
            builder.Append(CultureInfo.InvariantCulture, $" Order {random.Next(10_000, 99_999)}: {1 + random.Next(4)} x {s_items[random.Next(s_items.Length)]}; shipped {1 + random.Next(28)} March from {s_cities[random.Next(s_cities.Length)]}; status {(random.Next(3) == 0 ? "in transit" : "delivered")}.");
        }

        return builder.ToString();
    }

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
