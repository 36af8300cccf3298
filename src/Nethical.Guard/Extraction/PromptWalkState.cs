using System.Globalization;

namespace Nethical.Guard.Extraction;

/// <summary>
/// The reusable per-call buffers of <see cref="JsonPromptWalker"/>: segments waiting for their message's role,
/// the current path, collected member names and deferred string offsets. One instance is cached per thread.
/// </summary>
internal sealed class PromptWalkState
{
    /// <summary>Buffers larger than this are dropped after a call instead of being kept for the next one.</summary>
    private const int MaxRetainedPending = 1024;
    private const int MaxRetainedKeyChars = 64 * 1024;

    [ThreadStatic]
    private static PromptWalkState? _cached;

    private PendingSegment[] _pending = new PendingSegment[16];
    private int _pendingCount;
    private PathPart[] _path = new PathPart[16];
    private int _pathCount;
    private char[] _keys = new char[256];
    private int _keysLength;
    private (int Start, int End)[] _deferred = new (int, int)[4];
    private int _deferredCount;

    /// <summary>Scratch for unescaping a member name or a short value.</summary>
    public byte[] Unescaped { get; } = new byte[256];

    /// <summary>Scratch for the case-folded form of a member name or a short value.</summary>
    public byte[] Folded { get; } = new byte[JsonFieldTable.MaxFoldedLength];

    public int PendingCount => _pendingCount;

    public int KeysLength => _keysLength;

    public int DeferredCount => _deferredCount;

    public static PromptWalkState Rent()
    {
        PromptWalkState? state = _cached;
        if (state is null)
        {
            return new PromptWalkState();
        }

        _cached = null;
        return state;
    }

    public static void Return(PromptWalkState state)
    {
        state.Reset();
        _cached = state;
    }

    public void Push(string name)
    {
        EnsurePath();
        _path[_pathCount++] = new PathPart(name, -1);
    }

    public void Push(int index)
    {
        EnsurePath();
        _path[_pathCount++] = new PathPart(null, index);
    }

    public void Pop() => _pathCount--;

    /// <summary>Adds a segment at the current path. <paramref name="rank"/> and <paramref name="role"/> may still be raised or filled by enclosing scopes.</summary>
    public void Add(string text, int rank, string? role, string? encoding)
    {
        if (_pendingCount == _pending.Length)
        {
            Array.Resize(ref _pending, _pending.Length * 2);
        }

        _pending[_pendingCount++] = new PendingSegment
        {
            Text = text,
            Path = CurrentPath(),
            Rank = rank,
            Role = role,
            Encoding = encoding,
        };
    }

    /// <summary>Closes a scope (a message, item or block): raises the rank of its segments and names the role of those that have none.</summary>
    public void Resolve(int start, int rank, string? role)
    {
        for (int i = start; i < _pendingCount; i++)
        {
            ref PendingSegment segment = ref _pending[i];
            if (rank > segment.Rank)
            {
                segment.Rank = rank;
            }

            segment.Role ??= role;
        }
    }

    /// <summary>Space for a member name of at most <paramref name="maxChars"/> characters plus a separator.</summary>
    public Span<char> ReserveKey(int maxChars)
    {
        int needed = _keysLength + maxChars + 1;
        if (needed > _keys.Length)
        {
            Array.Resize(ref _keys, Math.Max(needed, _keys.Length * 2));
        }

        return _keys.AsSpan(_keysLength, maxChars);
    }

    public void CommitKey(int chars)
    {
        _keysLength += chars;
        _keys[_keysLength++] = '\n';
    }

    /// <summary>The member names collected since <paramref name="start"/>, one a line; then forgets them.</summary>
    public string TakeKeys(int start)
    {
        // Every key is followed by '\n'; the last one is dropped.
        int length = _keysLength - start - 1;
        string keys = length > 0 ? new string(_keys, start, length) : string.Empty;
        _keysLength = start;
        return keys;
    }

    public void AddDeferred(int start, int end)
    {
        if (_deferredCount == _deferred.Length)
        {
            Array.Resize(ref _deferred, _deferred.Length * 2);
        }

        _deferred[_deferredCount++] = (start, end);
    }

    public (int Start, int End) GetDeferred(int index) => _deferred[index];

    public void TruncateDeferred(int count) => _deferredCount = count;

    /// <summary>Appends every pending segment to <paramref name="segments"/>, mapping ranks to sources.</summary>
    public void CopyTo(List<PromptSegment> segments)
    {
        segments.EnsureCapacity(segments.Count + _pendingCount);
        for (int i = 0; i < _pendingCount; i++)
        {
            ref PendingSegment p = ref _pending[i];
            SegmentSource source = SourceRank.ToSource(p.Rank);
            segments.Add(new PromptSegment(p.Text, source, p.Role ?? SourceRank.DefaultRole(source), p.Path, p.Encoding));
        }
    }

    private void Reset()
    {
        if (_pending.Length > MaxRetainedPending)
        {
            _pending = new PendingSegment[16];
        }
        else
        {
            Array.Clear(_pending, 0, _pendingCount);
        }

        if (_keys.Length > MaxRetainedKeyChars)
        {
            _keys = new char[256];
        }

        Array.Clear(_path, 0, _pathCount);
        _pendingCount = 0;
        _pathCount = 0;
        _keysLength = 0;
        _deferredCount = 0;
    }

    private void EnsurePath()
    {
        if (_pathCount == _path.Length)
        {
            Array.Resize(ref _path, _path.Length * 2);
        }
    }

    /// <summary>The current path, e.g. <c>messages[2].content[0].text</c>.</summary>
    public string CurrentPath()
    {
        int length = 0;
        for (int i = 0; i < _pathCount; i++)
        {
            PathPart part = _path[i];
            if (part.Name is not null)
            {
                length += (i > 0 ? 1 : 0) + part.Name.Length;
            }
            else
            {
                length += 2 + CountDigits(part.Index);
            }
        }

        return string.Create(length, this, static (span, state) => state.WritePath(span));
    }

    private void WritePath(Span<char> span)
    {
        int at = 0;
        for (int i = 0; i < _pathCount; i++)
        {
            PathPart part = _path[i];
            if (part.Name is not null)
            {
                if (i > 0)
                {
                    span[at++] = '.';
                }

                part.Name.CopyTo(span[at..]);
                at += part.Name.Length;
            }
            else
            {
                span[at++] = '[';
                part.Index.TryFormat(span[at..], out int written, default, CultureInfo.InvariantCulture);
                at += written;
                span[at++] = ']';
            }
        }
    }

    private static int CountDigits(int value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    private readonly record struct PathPart(string? Name, int Index);

    private struct PendingSegment
    {
        public string Text;
        public string Path;
        public int Rank;
        public string? Role;
        public string? Encoding;
    }
}

/// <summary>
/// How suspicious a source is. When a message or block names several roles or types, or a block of one kind sits in a
/// message of another role, the most suspicious wins: Tool &gt; Document &gt; User &gt; Assistant &gt; System.
/// </summary>
internal static class SourceRank
{
    public const int None = -1;
    public const int System = 0;
    public const int Assistant = 1;
    public const int User = 2;
    public const int Document = 3;
    public const int Tool = 4;

    public static SegmentSource ToSource(int rank) => rank switch
    {
        System => SegmentSource.System,
        Assistant => SegmentSource.Assistant,
        Document => SegmentSource.Document,
        Tool => SegmentSource.Tool,
        _ => SegmentSource.User,
    };

    public static string DefaultRole(SegmentSource source) => source switch
    {
        SegmentSource.System => Roles.System,
        SegmentSource.Assistant => Roles.Assistant,
        SegmentSource.Document => Roles.Document,
        SegmentSource.Tool => Roles.Tool,
        _ => Roles.User,
    };
}

/// <summary>The role names given to segments.</summary>
internal static class Roles
{
    public const string System = "system";
    public const string Developer = "developer";
    public const string User = "user";
    public const string Assistant = "assistant";
    public const string Model = "model";
    public const string Tool = "tool";
    public const string Function = "function";
    public const string IPython = "ipython";
    public const string Instructions = "instructions";
    public const string Template = "template";
    public const string Document = "document";
    public const string SearchResult = "search_result";
    public const string ToolDefinition = "tool_definition";
    public const string Unknown = "unknown";
    public const string ToolCall = "assistant.tool_call";
    public const string FunctionCall = "assistant.function_call";
    public const string ToolUse = "assistant.tool_use";
    public const string ExecutableCode = "assistant.executable_code";
    public const string ToolResult = "tool_result";
    public const string FunctionCallOutput = "function_call_output";
    public const string FunctionResponse = "function_response";
    public const string CodeExecutionResult = "code_execution_result";
}
