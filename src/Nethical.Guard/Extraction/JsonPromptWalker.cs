using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Nethical.Guard.Extraction;

/// <summary>The top-level members a format reads; <see cref="JsonPromptWalker"/> skips the others.</summary>
[Flags]
internal enum PromptFields
{
    None = 0,
    Messages = 1 << 0,
    Input = 1 << 1,
    Instructions = 1 << 2,
    Prompt = 1 << 3,
    Suffix = 1 << 4,
    System = 1 << 5,
    Template = 1 << 6,
    Contents = 1 << 7,
    SystemInstruction = 1 << 8,
    Tools = 1 << 9,
    Functions = 1 << 10,

    /// <summary>No known shape: every string value in the body (the fallback for other endpoints' bodies).</summary>
    AnyString = 1 << 30,

    OpenAi = Messages | Input | Instructions | Prompt | Suffix | Tools | Functions,
    Anthropic = Messages | System | Tools,
    Gemini = Contents | SystemInstruction | Tools,
    Ollama = Messages | Prompt | Suffix | System | Template | Tools,
    All = OpenAi | Anthropic | Gemini | Ollama,
}

/// <summary>
/// Streams over a request body with <see cref="Utf8JsonReader"/> and collects the prompt text of every provider shape
/// whose top-level members are enabled. Messages, items, content blocks and parts of every provider are read by one
/// routine (<see cref="WalkNode"/>) that knows the union of their members: a member one provider does not define is
/// still screened, which costs nothing and cannot hide text.
/// </summary>
/// <remarks>
/// A message's role (or a block's type) may come after its content or be repeated, so segments are held until the
/// object ends and then given the most suspicious source named (<see cref="SourceRank"/>). Unknown members are skipped;
/// a known member with an unexpected container type has every string under it screened; a known member that is a
/// number or a boolean makes the body <see cref="ExtractionError.UnexpectedShape"/>.
/// </remarks>
internal ref struct JsonPromptWalker
{
    private readonly ReadOnlySpan<byte> _json;
    private readonly PromptFields _fields;
    private readonly int _maxDepth;
    private readonly PromptWalkState _state;
    private Utf8JsonReader _reader;

    private JsonPromptWalker(ReadOnlySpan<byte> json, PromptFields fields, int maxDepth, PromptWalkState state)
    {
        _json = json;
        _fields = fields;
        _maxDepth = maxDepth;
        _state = state;

        // The reader's own limit is one deeper than ours so that Read() reports the offending token and we can say TooDeep.
        _reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Appends the prompt segments of <paramref name="utf8Json"/> to <paramref name="segments"/>; nothing is appended when it throws.</summary>
    public static void Walk(ReadOnlySpan<byte> utf8Json, PromptFields fields, int maxDepth, List<PromptSegment> segments)
    {
        if (utf8Json.StartsWith(Utf8Bom))
        {
            utf8Json = utf8Json[Utf8Bom.Length..];
        }

        if (utf8Json.IsEmpty)
        {
            throw Error(ExtractionError.MalformedJson, "The request body is empty.");
        }

        if (!Utf8.IsValid(utf8Json))
        {
            throw Error(ExtractionError.InvalidUtf8, "The request body is not valid UTF-8.");
        }

        PromptWalkState state = PromptWalkState.Rent();
        try
        {
            var walker = new JsonPromptWalker(utf8Json, fields, maxDepth, state);
            try
            {
                walker.WalkRoot();
            }
            catch (JsonException ex)
            {
                // The reader's message can quote a character of the body, so it is neither copied nor kept as the inner exception.
                throw Error(
                    ExtractionError.MalformedJson,
                    $"The request body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}).");
            }

            state.CopyTo(segments);
        }
        finally
        {
            PromptWalkState.Return(state);
        }
    }

    private static PromptExtractionException Error(ExtractionError error, string message) => new(error, message);

    private static string GetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // A \uD800-style escape that is not a valid surrogate pair.
            throw Error(ExtractionError.InvalidUtf8, "The request body contains an invalid Unicode escape.");
        }
    }

    private static PromptFields TopLevelFlag(JsonField field) => field switch
    {
        JsonField.Messages => PromptFields.Messages,
        JsonField.Input => PromptFields.Input,
        JsonField.Instructions => PromptFields.Instructions,
        JsonField.Prompt => PromptFields.Prompt,
        JsonField.Suffix => PromptFields.Suffix,
        JsonField.System => PromptFields.System,
        JsonField.Template => PromptFields.Template,
        JsonField.Contents => PromptFields.Contents,
        JsonField.SystemInstruction => PromptFields.SystemInstruction,
        JsonField.Tools => PromptFields.Tools,
        JsonField.Functions => PromptFields.Functions,
        _ => PromptFields.None,
    };

    private static void Consider(ref int bestRank, ref string? bestRole, int rank, string role)
    {
        // Strictly greater: on a tie the first role named keeps its name.
        if (rank > bestRank)
        {
            bestRank = rank;
            bestRole = role;
        }
    }

    private static bool Is(ReadOnlySpan<byte> folded, ReadOnlySpan<byte> name) => folded.SequenceEqual(name);

    private static bool MapRole(ReadOnlySpan<byte> role, out int rank, out string name)
    {
        (rank, name) = role.Length switch
        {
            4 when Is(role, "user"u8) => (SourceRank.User, Roles.User),
            4 when Is(role, "tool"u8) => (SourceRank.Tool, Roles.Tool),
            5 when Is(role, "model"u8) => (SourceRank.Assistant, Roles.Model),
            6 when Is(role, "system"u8) => (SourceRank.System, Roles.System),
            7 when Is(role, "ipython"u8) => (SourceRank.Tool, Roles.IPython),
            8 when Is(role, "function"u8) => (SourceRank.Tool, Roles.Function),
            9 when Is(role, "developer"u8) => (SourceRank.System, Roles.Developer),
            9 when Is(role, "assistant"u8) => (SourceRank.Assistant, Roles.Assistant),
            _ => (SourceRank.None, string.Empty),
        };
        return rank != SourceRank.None;
    }

    private static bool MapType(ReadOnlySpan<byte> type, out int rank, out string role)
    {
        if (Is(type, "tool_result"u8))
        {
            (rank, role) = (SourceRank.Tool, Roles.ToolResult);
        }
        else if (Is(type, "function_call_output"u8))
        {
            (rank, role) = (SourceRank.Tool, Roles.FunctionCallOutput);
        }
        else if (Is(type, "document"u8))
        {
            (rank, role) = (SourceRank.Document, Roles.Document);
        }
        else if (Is(type, "search_result"u8))
        {
            (rank, role) = (SourceRank.Document, Roles.SearchResult);
        }
        else if (type.EndsWith("_result"u8))
        {
            // mcp_tool_result, web_search_tool_result, code_execution_tool_result, ...
            (rank, role) = (SourceRank.Tool, Roles.ToolResult);
        }
        else if (type.EndsWith("_output"u8))
        {
            // custom_tool_call_output, computer_call_output, local_shell_call_output, ...
            (rank, role) = (SourceRank.Tool, Roles.FunctionCallOutput);
        }
        else if (Is(type, "tool_use"u8) || Is(type, "server_tool_use"u8) || Is(type, "mcp_tool_use"u8))
        {
            (rank, role) = (SourceRank.Assistant, Roles.ToolUse);
        }
        else if (Is(type, "function_call"u8) || Is(type, "custom_tool_call"u8) || Is(type, "mcp_call"u8))
        {
            (rank, role) = (SourceRank.Assistant, Roles.FunctionCall);
        }
        else
        {
            (rank, role) = (SourceRank.None, string.Empty);
            return false;
        }

        return true;
    }

    private static bool IsTextMediaType(ReadOnlySpan<byte> mediaType)
    {
        int semicolon = mediaType.IndexOf((byte)';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon].TrimEnd((byte)' ');
        }

        return mediaType.StartsWith("text/"u8)
            || mediaType.EndsWith("/json"u8)
            || mediaType.EndsWith("+json"u8)
            || mediaType.EndsWith("/xml"u8)
            || mediaType.EndsWith("+xml"u8)
            || mediaType.EndsWith("/javascript"u8)
            || mediaType.EndsWith("/x-javascript"u8)
            || mediaType.EndsWith("/x-python"u8)
            || mediaType.EndsWith("/yaml"u8)
            || mediaType.EndsWith("/x-yaml"u8);
    }

    private void WalkRoot()
    {
        Read();
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error(ExtractionError.UnexpectedShape, "The request body must be a JSON object.");
        }

        if (_fields == PromptFields.AnyString)
        {
            FreeWalk(SourceRank.User, Roles.Unknown);
            return;
        }

        while (NextProperty())
        {
            JsonField field = MatchName(out string name);
            Read();
            if ((TopLevelFlag(field) & _fields) == 0)
            {
                SkipValue();
                continue;
            }

            _state.Push(name);
            switch (field)
            {
                case JsonField.Messages:
                case JsonField.Input:
                case JsonField.Contents:
                    NodeList(SourceRank.User, Roles.User);
                    break;
                case JsonField.System:
                case JsonField.SystemInstruction:
                    NodeList(SourceRank.System, Roles.System);
                    break;
                case JsonField.Instructions:
                    NodeList(SourceRank.System, Roles.Instructions);
                    break;
                case JsonField.Prompt:
                    PromptValue();
                    break;
                case JsonField.Suffix:
                    TextValue(SourceRank.User, Roles.User);
                    break;
                case JsonField.Template:
                    TextValue(SourceRank.System, Roles.Template);
                    break;
                default:
                    ToolDefinitions();
                    break;
            }

            _state.Pop();
        }

        // Utf8JsonReader throws for anything but whitespace after the top-level value.
        if (_reader.Read())
        {
            throw Error(ExtractionError.MalformedJson, "The request body has data after the JSON object.");
        }
    }

    /// <summary>A list of messages, items, blocks or parts: an array, or one object, or a bare string.</summary>
    private void NodeList(int defaultRank, string? defaultRole)
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.String:
                EmitString(defaultRank, defaultRole);
                break;
            case JsonTokenType.Null:
                break;
            case JsonTokenType.StartObject:
                WalkNode(defaultRank, defaultRole, fallback: true);
                break;
            case JsonTokenType.StartArray:
                int index = 0;
                while (NextElement())
                {
                    _state.Push(index++);
                    switch (_reader.TokenType)
                    {
                        case JsonTokenType.String:
                            EmitString(defaultRank, defaultRole);
                            break;
                        case JsonTokenType.Null:
                            break;
                        case JsonTokenType.StartObject:
                            WalkNode(defaultRank, defaultRole, fallback: false);
                            break;
                        case JsonTokenType.StartArray:
                            FreeWalk(defaultRank, defaultRole);
                            break;
                        default:
                            throw UnexpectedShape();
                    }

                    _state.Pop();
                }

                break;
            default:
                throw UnexpectedShape();
        }
    }

    /// <summary>
    /// A message (chat, Anthropic, Ollama), a Responses item, a Gemini content, a content block or a part.
    /// <paramref name="defaultRank"/> applies when the object names no role and no type with a source of its own;
    /// <paramref name="fallback"/> screens unknown members too (the object stands where a string or a list was expected).
    /// </summary>
    private void WalkNode(int defaultRank, string? defaultRole, bool fallback)
    {
        int start = _state.PendingCount;
        int bestRank = SourceRank.None;
        string? bestRole = null;
        while (NextProperty())
        {
            JsonField field = MatchName(out string name);
            Read();
            if (field == JsonField.Role)
            {
                ReadRole(ref bestRank, ref bestRole);
                continue;
            }

            if (field == JsonField.Type)
            {
                ReadType(ref bestRank, ref bestRole);
                continue;
            }

            _state.Push(name);
            switch (field)
            {
                case JsonField.Content:
                case JsonField.Parts:
                case JsonField.Summary:
                    NodeList(SourceRank.None, null);
                    break;
                case JsonField.Text:
                case JsonField.Refusal:
                case JsonField.Thinking:
                case JsonField.Title:
                case JsonField.Context:
                    TextValue(SourceRank.None, null);
                    break;
                case JsonField.Source:
                    Blob(base64ByDefault: false);
                    break;
                case JsonField.InlineData:
                    Blob(base64ByDefault: true);
                    break;
                case JsonField.Input:
                    StructuredValue(SourceRank.None, null);
                    break;
                case JsonField.Arguments:
                    StructuredValue(SourceRank.Assistant, Roles.FunctionCall);
                    break;
                case JsonField.Output:
                    NodeList(SourceRank.Tool, Roles.FunctionCallOutput);
                    break;
                case JsonField.ToolCalls:
                    ToolCalls();
                    break;
                case JsonField.FunctionCall:
                    CallObject(SourceRank.Assistant, Roles.FunctionCall);
                    break;
                case JsonField.FunctionResponse:
                    FunctionResponse();
                    break;
                case JsonField.ExecutableCode:
                    NestedText(JsonField.Code, SourceRank.Assistant, Roles.ExecutableCode);
                    break;
                case JsonField.CodeExecutionResult:
                    NestedText(JsonField.Output, SourceRank.Tool, Roles.CodeExecutionResult);
                    break;
                case JsonField.Unknown when fallback:
                    FreeWalk(SourceRank.None, null);
                    break;
                default:
                    SkipValue();
                    break;
            }

            _state.Pop();
        }

        if (bestRank == SourceRank.None)
        {
            bestRank = defaultRank;
            bestRole = defaultRole;
        }

        _state.Resolve(start, bestRank, bestRole);
    }

    /// <summary>True for a string; false for null; a number, boolean or container makes the body <see cref="ExtractionError.UnexpectedShape"/>.</summary>
    private bool IsStringOrNull(string member)
    {
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        if (_reader.TokenType != JsonTokenType.String)
        {
            _state.Push(member);
            throw UnexpectedShape();
        }

        return true;
    }

    private void ReadRole(ref int bestRank, ref string? bestRole)
    {
        if (!IsStringOrNull("role"))
        {
            return;
        }

        if (TryFoldValue(out ReadOnlySpan<byte> folded) && MapRole(folded, out int rank, out string name))
        {
            Consider(ref bestRank, ref bestRole, rank, name);
            return;
        }

        // An unknown role is screened as user text; its name is screened too, since a chat template may print it.
        string role = GetString(ref _reader);
        if (role.Length > 0)
        {
            _state.Push("role");
            _state.Add(role, SourceRank.User, null, null);
            _state.Pop();
        }

        Consider(ref bestRank, ref bestRole, SourceRank.User, role.Length > 0 ? role : Roles.User);
    }

    private void ReadType(ref int bestRank, ref string? bestRole)
    {
        if (!IsStringOrNull("type"))
        {
            return;
        }

        if (TryFoldValue(out ReadOnlySpan<byte> folded) && MapType(folded, out int rank, out string role))
        {
            Consider(ref bestRank, ref bestRole, rank, role);
        }
    }

    /// <summary>A member expected to be a string. A container has every string under it screened.</summary>
    private void TextValue(int rank, string? role)
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.String:
                EmitString(rank, role);
                break;
            case JsonTokenType.Null:
                break;
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                FreeWalk(rank, role);
                break;
            default:
                throw UnexpectedShape();
        }
    }

    /// <summary>OpenAI / Ollama completions <c>prompt</c>: a string or (nested) arrays of strings. Token arrays cannot be screened.</summary>
    private void PromptValue()
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.String:
                EmitString(SourceRank.User, Roles.User);
                break;
            case JsonTokenType.Null:
                break;
            case JsonTokenType.StartObject:
                FreeWalk(SourceRank.User, Roles.User);
                break;
            case JsonTokenType.StartArray:
                int index = 0;
                while (NextElement())
                {
                    _state.Push(index++);
                    PromptValue();
                    _state.Pop();
                }

                break;
            default:
                throw UnexpectedShape();
        }
    }

    /// <summary>
    /// Arguments or a result given as JSON (Anthropic <c>tool_use.input</c>, Gemini <c>functionCall.args</c> and
    /// <c>functionResponse.response</c>, Ollama tool-call <c>arguments</c>): every string value, plus one segment holding the
    /// member names, one a line (the model reads the serialised JSON, names included). A string is screened as is.
    /// </summary>
    private void StructuredValue(int rank, string? role)
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.String:
                EmitString(rank, role);
                break;
            case JsonTokenType.Null:
                break;
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                int keysStart = _state.KeysLength;
                FreeWalk(rank, role, collectKeys: true);
                if (_state.KeysLength > keysStart)
                {
                    string keys = _state.TakeKeys(keysStart);
                    if (keys.Length > 0)
                    {
                        _state.Push("*~");
                        _state.Add(keys, rank, role, null);
                        _state.Pop();
                    }
                }

                break;
            default:
                throw UnexpectedShape();
        }
    }

    /// <summary>
    /// Every string under the current value. Member names go into paths as <c>*</c> and, with
    /// <paramref name="collectKeys"/>, into the state's key list (for structured arguments the model reads whole).
    /// </summary>
    private void FreeWalk(int rank, string? role, bool collectKeys = false)
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.String:
                EmitString(rank, role);
                break;
            case JsonTokenType.StartObject:
                while (NextProperty())
                {
                    if (collectKeys)
                    {
                        AppendKey();
                    }

                    Read();
                    _state.Push(JsonFieldTable.Wildcard);
                    FreeWalk(rank, role, collectKeys);
                    _state.Pop();
                }

                break;
            case JsonTokenType.StartArray:
                int index = 0;
                while (NextElement())
                {
                    _state.Push(index++);
                    FreeWalk(rank, role, collectKeys);
                    _state.Pop();
                }

                break;
            default:
                break;
        }
    }

    private void AppendKey()
    {
        // An unescaped name never has more UTF-16 code units than it has bytes in the body.
        int max = _reader.ValueSpan.Length;
        if (max == 0)
        {
            return;
        }

        Span<char> destination = _state.ReserveKey(max);
        int written;
        try
        {
            written = _reader.CopyString(destination);
        }
        catch (InvalidOperationException)
        {
            throw Error(ExtractionError.InvalidUtf8, "The request body contains an invalid Unicode escape.");
        }

        _state.CommitKey(written);
    }

    /// <summary>OpenAI / Ollama <c>tool_calls</c>: <c>[{"function": {"arguments": ...}}]</c>.</summary>
    private void ToolCalls()
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.StartArray:
                int index = 0;
                while (NextElement())
                {
                    _state.Push(index++);
                    ToolCall();
                    _state.Pop();
                }

                break;
            default:
                ToolCall();
                break;
        }
    }

    private void ToolCall()
    {
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            TextValue(SourceRank.Assistant, Roles.ToolCall);
            return;
        }

        while (NextProperty())
        {
            JsonField field = MatchName(out string name);
            Read();
            if (field is JsonField.Function or JsonField.Custom)
            {
                _state.Push(name);
                CallObject(SourceRank.Assistant, Roles.ToolCall);
                _state.Pop();
            }
            else
            {
                SkipValue();
            }
        }
    }

    /// <summary>A call: <c>{"name": .., "arguments" | "args" | "input": string or JSON}</c>.</summary>
    private void CallObject(int rank, string role)
    {
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            TextValue(rank, role);
            return;
        }

        while (NextProperty())
        {
            JsonField field = MatchName(out string name);
            Read();
            if (field is JsonField.Arguments or JsonField.Args or JsonField.Input)
            {
                _state.Push(name);
                StructuredValue(rank, role);
                _state.Pop();
            }
            else
            {
                SkipValue();
            }
        }
    }

    /// <summary>Gemini <c>functionResponse</c>: <c>{"name": .., "response": {...}}</c>.</summary>
    private void FunctionResponse()
    {
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            TextValue(SourceRank.Tool, Roles.FunctionResponse);
            return;
        }

        while (NextProperty())
        {
            JsonField field = MatchName(out string name);
            Read();
            if (field is JsonField.Response or JsonField.Output or JsonField.Content)
            {
                _state.Push(name);
                StructuredValue(SourceRank.Tool, Roles.FunctionResponse);
                _state.Pop();
            }
            else
            {
                SkipValue();
            }
        }
    }

    /// <summary>An object whose <paramref name="member"/> is text (Gemini <c>executableCode.code</c>, <c>codeExecutionResult.output</c>).</summary>
    private void NestedText(JsonField member, int rank, string role)
    {
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            TextValue(rank, role);
            return;
        }

        while (NextProperty())
        {
            JsonField field = MatchName(out string name);
            Read();
            if (field == member)
            {
                _state.Push(name);
                TextValue(rank, role);
                _state.Pop();
            }
            else
            {
                SkipValue();
            }
        }
    }

    /// <summary>
    /// A document or media source: Anthropic <c>source</c> (<c>{"type":"text","data":..}</c>, <c>{"type":"content","content":[..]}</c>,
    /// <c>{"type":"base64",..}</c>) or Gemini <c>inlineData</c> (<c>{"mimeType":..,"data":base64}</c>). <c>data</c> is screened when the
    /// source says it is text, and decoded first when it is base64 of a text media type; the type may come after the data, so the
    /// data's offsets are kept until the object ends.
    /// </summary>
    private void Blob(bool base64ByDefault)
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.String:
                EmitString(SourceRank.Document, Roles.Document);
                return;
            case JsonTokenType.Null:
                return;
            case JsonTokenType.StartArray:
                FreeWalk(SourceRank.Document, Roles.Document);
                return;
            case JsonTokenType.StartObject:
                break;
            default:
                throw UnexpectedShape();
        }

        int deferredStart = _state.DeferredCount;
        bool sawText = false;
        bool sawBase64 = false;
        bool sawOther = false;
        bool textMedia = false;
        while (NextProperty())
        {
            JsonField field = MatchName(out string name);
            Read();
            JsonTokenType token = _reader.TokenType;
            switch (field)
            {
                case JsonField.Type when token == JsonTokenType.String:
                    if (!TryFoldValue(out ReadOnlySpan<byte> type))
                    {
                        sawOther = true;
                    }
                    else if (Is(type, "text"u8))
                    {
                        sawText = true;
                    }
                    else if (Is(type, "base64"u8))
                    {
                        sawBase64 = true;
                    }
                    else
                    {
                        sawOther = true;
                    }

                    break;
                case JsonField.MediaType when token == JsonTokenType.String:
                    textMedia |= TryFoldValue(out ReadOnlySpan<byte> mediaType) && IsTextMediaType(mediaType);
                    break;
                case JsonField.Data when token == JsonTokenType.String:
                    _state.AddDeferred((int)_reader.TokenStartIndex, (int)_reader.BytesConsumed);
                    break;
                case JsonField.Content:
                    _state.Push(name);
                    NodeList(SourceRank.Document, Roles.Document);
                    _state.Pop();
                    break;
                case JsonField.Text:
                case JsonField.Data:
                    _state.Push(name);
                    TextValue(SourceRank.Document, Roles.Document);
                    _state.Pop();
                    break;
                case JsonField.Type:
                case JsonField.MediaType:
                    if (token is not JsonTokenType.Null)
                    {
                        _state.Push(name);
                        throw UnexpectedShape();
                    }

                    break;
                default:
                    SkipValue();
                    break;
            }
        }

        bool typed = sawText || sawBase64 || sawOther;
        bool emitRaw = sawText || (!typed && !base64ByDefault);
        bool emitDecoded = textMedia && (sawBase64 || (!typed && base64ByDefault));
        if (emitRaw || emitDecoded)
        {
            _state.Push("data");
            for (int i = deferredStart; i < _state.DeferredCount; i++)
            {
                (int from, int to) = _state.GetDeferred(i);
                var reader = new Utf8JsonReader(_json[from..to]);
                reader.Read();
                if (reader.ValueSpan.IsEmpty)
                {
                    continue;
                }

                string data = GetString(ref reader);
                if (emitRaw)
                {
                    _state.Add(data, SourceRank.Document, Roles.Document, null);
                }

                if (emitDecoded)
                {
                    AddDecoded(data);
                }
            }

            _state.Pop();
        }

        _state.TruncateDeferred(deferredStart);
    }

    private void AddDecoded(string base64)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(base64.Length));
        try
        {
            if (Convert.TryFromBase64String(base64, buffer, out int written)
                || Base64Url.TryDecodeFromChars(base64, buffer, out written))
            {
                // Invalid UTF-8 in the decoded document becomes U+FFFD; the text around it is still screened.
                _state.Add(Encoding.UTF8.GetString(buffer, 0, written), SourceRank.Document, Roles.Document, "base64");
            }
            else
            {
                // Not base64 after all: screen it as sent.
                _state.Add(base64, SourceRank.Document, Roles.Document, null);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// <c>tools</c> / <c>functions</c>: every <c>description</c> string at any depth (OpenAI <c>function.description</c> and parameter
    /// descriptions, Anthropic <c>description</c> / <c>input_schema</c>, Gemini <c>functionDeclarations</c>).
    /// </summary>
    private void ToolDefinitions()
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.String:
                EmitString(SourceRank.System, Roles.ToolDefinition);
                break;
            case JsonTokenType.Null:
                break;
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                DescriptionWalk();
                break;
            default:
                throw UnexpectedShape();
        }
    }

    private void DescriptionWalk()
    {
        if (_reader.TokenType == JsonTokenType.StartArray)
        {
            int index = 0;
            while (NextElement())
            {
                if (_reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    _state.Push(index);
                    DescriptionWalk();
                    _state.Pop();
                }

                index++;
            }

            return;
        }

        while (NextProperty())
        {
            JsonField field = MatchName(out string name);
            Read();
            JsonTokenType token = _reader.TokenType;
            if (token == JsonTokenType.String && field == JsonField.Description)
            {
                _state.Push(name);
                EmitString(SourceRank.System, Roles.ToolDefinition);
                _state.Pop();
            }
            else if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                bool structural = field is JsonField.Function or JsonField.Custom or JsonField.Parameters or JsonField.Properties
                    or JsonField.InputSchema or JsonField.FunctionDeclarations or JsonField.Items or JsonField.Description;
                _state.Push(structural ? name : JsonFieldTable.Wildcard);
                DescriptionWalk();
                _state.Pop();
            }
        }
    }

    private void EmitString(int rank, string? role)
    {
        if (_reader.ValueSpan.IsEmpty)
        {
            return;
        }

        _state.Add(GetString(ref _reader), rank, role, null);
    }

    /// <summary>Matches the current member name (escapes undone, case folded); <paramref name="name"/> is safe to put in a path.</summary>
    private JsonField MatchName(out string name)
    {
        if (!TryFoldValue(out ReadOnlySpan<byte> folded))
        {
            name = JsonFieldTable.Wildcard;
            return JsonField.Unknown;
        }

        return JsonFieldTable.Match(folded, out name);
    }

    /// <summary>The current string or member name, unescaped and case folded, if it is short enough to be a known word.</summary>
    private bool TryFoldValue(out ReadOnlySpan<byte> folded)
    {
        int length;
        try
        {
            if (!JsonFieldTable.TryFoldCurrent(ref _reader, _state.Unescaped, _state.Folded, out length))
            {
                folded = default;
                return false;
            }
        }
        catch (InvalidOperationException)
        {
            throw Error(ExtractionError.InvalidUtf8, "The request body contains an invalid Unicode escape.");
        }

        folded = _state.Folded.AsSpan(0, length);
        return true;
    }

    private PromptExtractionException UnexpectedShape() =>
        Error(ExtractionError.UnexpectedShape, $"Unexpected JSON {TokenName(_reader.TokenType)} at '{_state.CurrentPath()}'.");

    private static string TokenName(JsonTokenType token) => token switch
    {
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.String => "string",
        JsonTokenType.StartArray => "array",
        JsonTokenType.StartObject => "object",
        _ => "value",
    };

    private bool NextProperty()
    {
        Read();
        return _reader.TokenType != JsonTokenType.EndObject;
    }

    private bool NextElement()
    {
        Read();
        return _reader.TokenType != JsonTokenType.EndArray;
    }

    private void Read()
    {
        if (!_reader.Read())
        {
            throw Error(ExtractionError.MalformedJson, "The request body ends before the JSON is complete.");
        }

        if ((_reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) && _reader.CurrentDepth >= _maxDepth)
        {
            throw Error(ExtractionError.TooDeep, $"The request body is nested deeper than {_maxDepth} levels.");
        }
    }

    /// <summary>Skips the current value. Unlike <see cref="Utf8JsonReader.Skip"/>, every container skipped is depth-checked.</summary>
    private void SkipValue()
    {
        if (_reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        int depth = _reader.CurrentDepth;
        do
        {
            Read();
        }
        while (_reader.CurrentDepth > depth);
    }
}
