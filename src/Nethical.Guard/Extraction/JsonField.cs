using System.Text;
using System.Text.Json;

namespace Nethical.Guard.Extraction;

/// <summary>The JSON member names the prompt walker knows, across every provider format.</summary>
internal enum JsonField : byte
{
    Unknown,

    // Top level.
    Messages,
    Input,
    Instructions,
    Prompt,
    Suffix,
    System,
    Template,
    Contents,
    SystemInstruction,
    Tools,
    Functions,

    // Messages, items, content blocks and parts.
    Role,
    Type,
    Content,
    Parts,
    Text,
    Refusal,
    Thinking,
    Title,
    Context,
    Summary,
    Source,
    Arguments,
    Args,
    Output,
    ToolCalls,
    FunctionCall,
    FunctionResponse,
    ExecutableCode,
    CodeExecutionResult,
    Code,
    Response,
    Function,
    Custom,
    Data,
    MediaType,
    InlineData,
    Description,

    // Tool-definition structure (kept in paths).
    Parameters,
    Properties,
    InputSchema,
    FunctionDeclarations,
    Items,

    // Members that never hold prompt text (binary data, ids, names).
    NotText,
}

/// <summary>
/// Matches a member name against the known names. Matching folds case the way Go's <c>encoding/json</c> does
/// (ASCII case plus U+017F and U+212A), because Go servers such as Ollama accept <c>"CONTENT"</c> or <c>"ſystem"</c>
/// as <c>content</c> and <c>system</c>: a guard that matched exactly would let such a key carry an unscreened prompt.
/// </summary>
internal static class JsonFieldTable
{
    /// <summary>Longest name or short value (after folding) worth comparing; every known name and type is shorter.</summary>
    internal const int MaxFoldedLength = 64;

    /// <summary>The path component used for a member whose name is not a known one (its name may be prompt text).</summary>
    internal const string Wildcard = "*";

    private static readonly Entry[][] ByLength = Build();

    /// <summary>Folds <paramref name="raw"/> (unescaped UTF-8) into <paramref name="folded"/>; false when it cannot be a known name.</summary>
    internal static bool TryFold(ReadOnlySpan<byte> raw, Span<byte> folded, out int length)
    {
        length = 0;
        if (raw.Length > MaxFoldedLength * 3)
        {
            return false;
        }

        int i = 0;
        while (i < raw.Length)
        {
            if (length == MaxFoldedLength || length == folded.Length)
            {
                return false;
            }

            byte b = raw[i];
            if (b < 0x80)
            {
                folded[length++] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
                i++;
            }
            else if (b == 0xC5 && i + 1 < raw.Length && raw[i + 1] == 0xBF)
            {
                // U+017F LATIN SMALL LETTER LONG S folds to 's'.
                folded[length++] = (byte)'s';
                i += 2;
            }
            else if (b == 0xE2 && i + 2 < raw.Length && raw[i + 1] == 0x84 && raw[i + 2] == 0xAA)
            {
                // U+212A KELVIN SIGN folds to 'k'.
                folded[length++] = (byte)'k';
                i += 3;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Folds the reader's current member name or string into <paramref name="folded"/>, unescaping it into
    /// <paramref name="unescaped"/> first when it has escapes; false when it cannot be a known name (too long for
    /// <paramref name="unescaped"/>, or not foldable). Throws <see cref="InvalidOperationException"/> when an escape
    /// is not valid Unicode (a lone surrogate).
    /// </summary>
    internal static bool TryFoldCurrent(ref Utf8JsonReader reader, scoped Span<byte> unescaped, scoped Span<byte> folded, out int length)
    {
        scoped ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (raw.Length > unescaped.Length)
        {
            length = 0;
            return false;
        }

        if (reader.ValueIsEscaped)
        {
            raw = unescaped[..reader.CopyString(unescaped)];
        }

        return TryFold(raw, folded, out length);
    }

    /// <summary>Looks up a folded name; <paramref name="name"/> is the canonical spelling for paths, or <see cref="Wildcard"/>.</summary>
    internal static JsonField Match(ReadOnlySpan<byte> folded, out string name)
    {
        if (folded.Length < ByLength.Length)
        {
            Entry[] entries = ByLength[folded.Length];
            for (int i = 0; i < entries.Length; i++)
            {
                if (folded.SequenceEqual(entries[i].Folded))
                {
                    name = entries[i].Name;
                    return entries[i].Field;
                }
            }
        }

        name = Wildcard;
        return JsonField.Unknown;
    }

    private static Entry[][] Build()
    {
        (string Name, JsonField Field)[] names =
        [
            ("messages", JsonField.Messages),
            ("input", JsonField.Input),
            ("instructions", JsonField.Instructions),
            ("prompt", JsonField.Prompt),
            ("suffix", JsonField.Suffix),
            ("system", JsonField.System),
            ("template", JsonField.Template),
            ("contents", JsonField.Contents),
            ("systemInstruction", JsonField.SystemInstruction),
            ("system_instruction", JsonField.SystemInstruction),
            ("tools", JsonField.Tools),
            ("functions", JsonField.Functions),
            ("role", JsonField.Role),
            ("type", JsonField.Type),
            ("content", JsonField.Content),
            ("parts", JsonField.Parts),
            ("text", JsonField.Text),
            ("refusal", JsonField.Refusal),
            ("thinking", JsonField.Thinking),
            ("title", JsonField.Title),
            ("context", JsonField.Context),
            ("summary", JsonField.Summary),
            ("source", JsonField.Source),
            ("arguments", JsonField.Arguments),
            ("args", JsonField.Args),
            ("output", JsonField.Output),
            ("tool_calls", JsonField.ToolCalls),
            ("function_call", JsonField.FunctionCall),
            ("functionCall", JsonField.FunctionCall),
            ("function_response", JsonField.FunctionResponse),
            ("functionResponse", JsonField.FunctionResponse),
            ("executable_code", JsonField.ExecutableCode),
            ("executableCode", JsonField.ExecutableCode),
            ("code_execution_result", JsonField.CodeExecutionResult),
            ("codeExecutionResult", JsonField.CodeExecutionResult),
            ("code", JsonField.Code),
            ("response", JsonField.Response),
            ("function", JsonField.Function),
            ("custom", JsonField.Custom),
            ("data", JsonField.Data),
            ("media_type", JsonField.MediaType),
            ("mimeType", JsonField.MediaType),
            ("mime_type", JsonField.MediaType),
            ("inlineData", JsonField.InlineData),
            ("inline_data", JsonField.InlineData),
            ("description", JsonField.Description),
            ("parameters", JsonField.Parameters),
            ("properties", JsonField.Properties),
            ("input_schema", JsonField.InputSchema),
            ("functionDeclarations", JsonField.FunctionDeclarations),
            ("function_declarations", JsonField.FunctionDeclarations),
            ("items", JsonField.Items),
            ("image_url", JsonField.NotText),
            ("input_audio", JsonField.NotText),
            ("image", JsonField.NotText),
            ("images", JsonField.NotText),
            ("fileData", JsonField.NotText),
            ("file_data", JsonField.NotText),
            ("file", JsonField.NotText),
            ("name", JsonField.NotText),
            ("id", JsonField.NotText),
            ("call_id", JsonField.NotText),
            ("tool_call_id", JsonField.NotText),
            ("tool_use_id", JsonField.NotText),
            ("cache_control", JsonField.NotText),
            ("signature", JsonField.NotText),
            ("url", JsonField.NotText),
            ("detail", JsonField.NotText),
            ("encrypted_content", JsonField.NotText),
            ("citations", JsonField.NotText),
            ("annotations", JsonField.NotText),
        ];

        var lists = new List<Entry>[MaxFoldedLength + 1];
        for (int i = 0; i < lists.Length; i++)
        {
            lists[i] = [];
        }

        foreach ((string name, JsonField field) in names)
        {
            byte[] folded = Encoding.ASCII.GetBytes(name);
            for (int i = 0; i < folded.Length; i++)
            {
                if (folded[i] is >= (byte)'A' and <= (byte)'Z')
                {
                    folded[i] |= 0x20;
                }
            }

            lists[folded.Length].Add(new Entry(folded, field, name));
        }

        var table = new Entry[lists.Length][];
        for (int i = 0; i < lists.Length; i++)
        {
            table[i] = [.. lists[i]];
        }

        return table;
    }

    private sealed record Entry(byte[] Folded, JsonField Field, string Name);
}
