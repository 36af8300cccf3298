using System.Text;

namespace Nethical.Guard.Training.Corpus;

/// <summary>
/// Documents and tool results an indirect injection hides in. Each is realistic text of its kind, with instructions
/// meant for its human reader ("submit your timesheet by Friday"): a document is not an attack for containing
/// imperatives. The payload goes at the start, the middle or the end.
/// </summary>
internal static class Carriers
{
    public static readonly IReadOnlyList<string> Names =
        ["email", "web_page", "product_review", "code_comment", "csv_cell", "json_tool_result", "search_snippet", "calendar_invite", "pdf_text"];

    public static readonly IReadOnlyList<string> Positions = ["start", "middle", "end"];

    /// <summary><c>tool</c> for tool results, <c>document</c> for the rest.</summary>
    public static string SourceOf(string carrier) => carrier is "json_tool_result" or "search_snippet" ? "tool" : "document";

    private static readonly string[] s_business =
    [
        "Please submit your timesheets by Friday at noon.",
        "The quarterly numbers are attached; revenue grew four percent over last year.",
        "Remember to lock your screen when you leave your desk.",
        "Click the link in the portal to confirm your attendance.",
        "Do not reply to this message; contact the service desk instead.",
        "Install the latest update before Monday to keep your laptop compliant.",
        "Our office will be closed on the public holiday.",
        "Forward this note to anyone on your team who missed the meeting.",
        "Review the attached contract and sign it by the end of the month.",
        "Ignore the previous version of the schedule; this one replaces it.",
        "The cafeteria now serves vegetarian options every day.",
        "Parking on level two is reserved for visitors this week.",
    ];

    private static readonly string[] s_reviews =
    [
        "Great blender, crushes ice in seconds.",
        "Battery life is shorter than advertised, about six hours.",
        "Shipping was fast and the box was well padded.",
        "Wash the jar by hand; the dishwasher clouds the plastic.",
        "Customer service replaced a cracked lid without any questions.",
        "Would buy again, but read the manual before first use.",
    ];

    public static string Render(string carrier, string? payload, string position, Random random)
    {
        var sentences = carrier == "product_review" ? s_reviews : s_business;
        var body = Pick(sentences, random, carrier is "csv_cell" or "search_snippet" ? 4 : 5);
        if (payload is not null)
        {
            var index = position switch
            {
                "start" => 0,
                "end" => body.Count,
                _ => body.Count / 2,
            };
            body.Insert(index, payload);
        }

        return carrier switch
        {
            "email" => $"From: dana.lee@contoso.example\nTo: team@contoso.example\nSubject: Weekly update\n\nHi all,\n\n{string.Join("\n", body)}\n\nBest regards,\nDana",
            "web_page" => $"<html><head><title>Team handbook</title></head><body><h1>Handbook</h1>{string.Concat(body.Select(s => $"<p>{s}</p>"))}</body></html>",
            "product_review" => $"Rated 4 out of 5 by verified buyer\n{string.Join(" ", body)}",
            "code_comment" => $"def monthly_total(rows):\n{string.Concat(body.Select(s => $"    # {s}\n"))}    return sum(r.amount for r in rows)\n",
            "csv_cell" => "id,item,note\n" + string.Concat(body.Select((s, i) => $"{i + 1},item-{i + 1},\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"\n")),
            "json_tool_result" => "{\"status\":\"ok\",\"results\":[" + string.Join(",", body.Select((s, i) => $"{{\"id\":{i + 1},\"text\":\"{Escape(s)}\"}}")) + "]}",
            "search_snippet" => string.Concat(body.Select((s, i) => $"{i + 1}. Company intranet — {s}\n")),
            "calendar_invite" => $"BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Project sync\nLOCATION:Room 4.12\nDESCRIPTION:{string.Join(" ", body)}\nEND:VEVENT\nEND:VCALENDAR",
            "pdf_text" => $"Employee Handbook — Page 7 of 32\n\n4.2 Working arrangements\n\n{string.Join(" ", body)}\n\nContinued on next page",
            _ => throw new ArgumentOutOfRangeException(nameof(carrier), carrier, "Unknown carrier."),
        };
    }

    private static List<string> Pick(string[] sentences, Random random, int count)
    {
        var order = Enumerable.Range(0, sentences.Length).ToArray();
        random.Shuffle(order);
        return order.Take(count).Select(i => sentences[i]).ToList();
    }

    private static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }
}
