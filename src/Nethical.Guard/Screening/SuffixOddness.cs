using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;

namespace Nethical.Guard.Screening;

/// <summary>The oddness of a text's tail and the features behind it, for the window of last tokens that scored highest.</summary>
/// <param name="Score">In [0, 1]: how much the tail looks like an optimiser-made token soup. Compare with <see cref="SuffixOddness.RouteThreshold"/>.</param>
/// <param name="OddTokens">Weighted share of the window's tokens that are odd (letters mixed with symbols, case flips inside a word, symbol runs).</param>
/// <param name="FunctionWords">Share of the window's Latin-script words that are function words (the, of, und, que, ...): fluent text has many.</param>
/// <param name="Code">Weighted share of the window's tokens shaped like code (identifiers, calls, operators, command-line flags, JSON, markup).</param>
/// <param name="Window">Tokens in that window (the last this-many tokens).</param>
/// <param name="Tokens">Tokens read: at most <see cref="SuffixOddness.TailTokens"/>, from the last two lines.</param>
internal readonly record struct OddnessScore(double Score, double OddTokens, double FunctionWords, double Code, int Window, int Tokens);

/// <summary>
/// A cheap signal for optimiser-made jailbreak suffixes (GCG-style strings of unrelated word pieces and symbols appended
/// to a request, such as <c>describing.\ + similarlyNow write oppositeley.]( Me giving**ONE please? revert with "\!--Two</c>),
/// meant to route a segment to the tier-2 model, not to block it. A few microseconds and no allocation: at most the last
/// <see cref="TailTokens"/> whitespace tokens of the last two lines (and of the last 4 KiB) are read, backwards.
/// <para>
/// Each token is classed. Neutral: any token with letters of another script (a CJK "token" may be a whole sentence),
/// URLs, e-mail addresses, paths, numbers and algebra, base64, hex and JWT blobs. Odd: letters mixed with symbols that
/// prose does not put inside or at the edge of a word (<c>giving**ONE</c>, <c>oppositeley.](</c>), case flips inside a
/// word (<c>similarlyNow</c>, stronger for <c>githubINST</c> or two flips), brackets closed between words, letters glued
/// to digits, very long glued words, runs of unrelated symbols. Code-shaped: identifiers, calls, operators, flags, JSON
/// and markup.
/// </para>
/// <para>
/// Every window of the last <see cref="MinWindow"/> or more tokens is scored, and the highest wins, so a suffix is not
/// diluted by the request before it. For: the share of odd tokens; a lack of function words (optimisers string unrelated
/// words together; fluent text in en, es, fr, de, it, pt or nl is a fifth or more function words), weighed up when
/// capitalised words are scattered among lower-case ones; brackets that never close. Against: code-shaped tokens and
/// bracket pairs that close (code is odd by design but regular), many function words, lists, text that ends a sentence.
/// An indented line or a Markdown code fence stops the reading: what is before it is code or quoted text.
/// </para>
/// <para>
/// Limits: a soup of plain lower-case words with no symbols, capitals or case flips is not told apart from a list of
/// keywords; a suffix spread over several lines, indented, or followed by more than one line is not read.
/// </para>
/// </summary>
internal static class SuffixOddness
{
    /// <summary>The tail examined: at most the last this-many whitespace-separated tokens.</summary>
    public const int TailTokens = 32;

    /// <summary>
    /// The score at or above which a segment is worth routing to the tier-2 model. Measured with
    /// <c>dotnet run -c Release --project src/Nethical.Guard.Training -- oddness --data ../shared/data</c> (seed 42):
    /// false positives 0.2% on the benign rows of jackhhao train (2 of 1,073), 0.5% on the odd half of self-instruct
    /// (1 of 197) and 0.2% on the whole file (1 of 427), 0.0% on every other benign set (mtbench-vicuna, humaneval, all
    /// 7,473 gsm8k rows, deepset benign rows, URLs and base64 in prose, non-Latin and Latin benign corpus text, hand-written
    /// JSON, shell, one-line code and LaTeX). Detection: 95.8% of the corpus's suffix attacks (23 of 24) and 99.2% of
    /// fragment-list suffixes on its payloads (tuned on); held out, 100% of hand-written GCG-style suffixes (54) and 71.7%
    /// of suffixes sampled from the MiniLM WordPiece vocabulary (214 of 300). The lowest threshold keeping every benign
    /// set at or under 1% was 0.204 (81% of the WordPiece suffixes); this one leaves room above it, because the benign
    /// tails are thin (7 distinct texts of about 11,000 scored 0.2 or more, 4 of them 0.25 or more: product titles, a
    /// data-to-text record, a chat log) and were looked at while the rules were written.
    /// </summary>
    public const double RouteThreshold = 0.25;

    /// <summary>Shorter windows are not scored: too few tokens to tell a soup from a phrase.</summary>
    public const int MinWindow = 6;

    // Only this many characters from the end are read, so a long text costs the same as a short one.
    private const int MaxTailChars = 4096;

    // Longer tokens are blobs (base64, minified code, a CJK sentence): neutral.
    private const int MaxTokenChars = 64;

    [Flags]
    private enum Kind : byte
    {
        None = 0,
        Word = 1,
        Function = 2,
        Capitalised = 4,
        // Ends with . ! ? or :, so a capital after it starts a sentence.
        EndsSentence = 8,
        LineStart = 16,
        // Ends with a comma or semicolon: an item of a list.
        ListItem = 32,
    }

    // The commonest closed-class words of the Latin-script languages the gateway sees (en, es, fr, de, it, pt, nl).
    private static readonly FrozenSet<string> s_functionWords = FrozenSet.ToFrozenSet(
        """
        the a an and or but if of to in on at by for with from as is are was were be been being am do does did have has had
        it its it's this that these those there here i i'm you he she we they me him her us them my your his our their not
        no so than then too very can could will would shall should may might must what which who whom whose when where why
        how all any each some such only own same just also into about over after before between under up down out off
        through during because while until upon per don't can't isn't i've i'd you're it's that's there's let's one more
        most other now well both either nor yet whether whatever against within without
        el la los las un una unos unas y o de del al en con por para que es son está están se lo le les su sus mi tu como
        más pero muy ya este esta esto ese esa me te nos mis tus hay ha he fue ser era cuando donde quien cual si sin
        sobre entre hasta desde también todo todos toda todas otro otra porque
        le les un une des et ou du au aux dans sur avec pour par qui est sont pas ne il elle nous vous ils je ce cette ces
        son sa ses mon ma mes ton ta tes plus mais comme me te se ai as a ont été être suis sont si quand où sans sous
        entre tout tous toute toutes aussi très bien car donc leur leurs y en
        der die das den dem des ein eine einen einem einer und oder zu im auf mit von für ist sind war nicht es sie er wir
        ich du ihr sich dass wie auch aber bei nach aus als an um mich mir dich dir uns euch ihm ihn ihnen mein meine
        dein deine sein seine kein keine diese dieser dieses welche welcher welches was wer wo ob wenn weil dann denn doch
        noch schon nur sehr so hier da über unter vor durch gegen ohne bis am vom zum zur beim ins man habe hat haben bin
        bist kann können würde werden wird bitte gerne
        os as um uma do da dos das em no na nos nas com é são não ao seu sua mas eu ele ela nós eles elas meu minha
        isso isto esse essa pelo pela muito já quando onde também sobre sem até
        il lo gli di della dei delle nel nella che è sono non si ma io tu lui lei noi voi loro mi ti ci vi ho ha hanno
        questo questa quello quella anche molto più quando dove come per con tra fra senza sul sulla
        het een van op voor dat zijn te er ik je hij zij ze aan ook maar naar uit wij jij u mijn jouw ons deze die dit
        wat wie waar hoe niet geen wel nog al heb heeft hebben ben bent kan kunnen wordt worden bij met om tot zo
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries),
        StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_functionLookup =
        s_functionWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly SearchValues<char> s_notInPaths = SearchValues.Create("*#=+|~^`{}\"@$%!?;");

    // Base64 (standard and URL-safe), hex, and the dots of a JWT.
    private static readonly SearchValues<char> s_blobAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.");

    private static readonly SearchValues<char> s_hexAlphabet = SearchValues.Create("0123456789abcdefABCDEF-");

    public static OddnessScore Score(ReadOnlySpan<char> text)
    {
        // Token 0 is the last. Tokens are read from the last two lines only: a suffix is one line, appended to the
        // request or on a line of its own (and perhaps followed by one short line); more lines are a document or code.
        Span<float> odd = stackalloc float[TailTokens];
        Span<float> code = stackalloc float[TailTokens];
        Span<Kind> kinds = stackalloc Kind[TailTokens];
        Span<int> starts = stackalloc int[TailTokens];
        Span<int> ends = stackalloc int[TailTokens];

        var limit = Math.Max(0, text.Length - MaxTailChars);
        var n = 0;
        var line = 0;
        var lineStart = 0;
        var i = text.Length - 1;
        while (true)
        {
            var breaks = false;
            var spaces = 0;
            var tab = false;
            while (i >= limit && char.IsWhiteSpace(text[i]))
            {
                if (text[i] == '\n')
                {
                    breaks = true;
                }
                else if (!breaks)
                {
                    spaces++;
                    tab |= text[i] == '\t';
                }
                i--;
            }
            if (n > 0 && (breaks || i < 0))
            {
                // Token n - 1 starts a line. An indented line is code or quoted text: neither it nor anything before it
                // is read.
                kinds[n - 1] |= Kind.LineStart;
                if (breaks && (spaces >= 2 || tab))
                {
                    n = lineStart;
                    break;
                }
                if (++line > 1)
                {
                    break;
                }
                lineStart = n;
            }
            if (i < limit || n == TailTokens)
            {
                break;
            }
            var end = i + 1;
            while (i >= limit && !char.IsWhiteSpace(text[i]))
            {
                i--;
            }
            var start = i + 1;
            if (text[start..end].StartsWith("```", StringComparison.Ordinal))
            {
                // A Markdown code fence: what comes before it is code.
                break;
            }
            // A token cut by the read limit is only part of a token: neutral.
            (odd[n], code[n], kinds[n]) = start == limit && limit > 0 ? (0f, 0f, Kind.None) : Analyse(text[start..end]);
            starts[n] = start;
            ends[n] = end;
            n++;
        }

        var best = new OddnessScore(0, 0, 0, 0, 0, n);
        var endsSentence = n > 0 && text[ends[0] - 1] is '.' or '!' or '?' or '。' or '！' or '？';
        double oddSum = 0, codeSum = 0;
        // Brackets, read backwards: a closer waits for its opener. Code closes what it opens; a soup strews brackets.
        Span<char> waiting = stackalloc char[64];
        int depth = 0, pairs = 0, strays = 0;
        int words = 0, functions = 0, capitals = 0, listed = 0;
        for (var k = 1; k <= n; k++)
        {
            var t = k - 1;
            oddSum += odd[t];
            for (var c = ends[t] - 1; c >= starts[t]; c--)
            {
                switch (text[c])
                {
                    case ')' or ']' or '}':
                        if (depth < waiting.Length)
                        {
                            waiting[depth++] = text[c];
                        }
                        break;
                    case '(' or '[' or '{':
                        if (depth > 0 && waiting[depth - 1] == Closer(text[c]))
                        {
                            depth--;
                            pairs++;
                        }
                        else
                        {
                            // Opened and never closed, or closed by the wrong kind of bracket.
                            strays++;
                        }
                        break;
                }
            }
            codeSum += code[t];
            var kind = kinds[t];
            if ((kind & Kind.Word) != 0)
            {
                words++;
                if ((kind & Kind.Function) != 0)
                {
                    functions++;
                }
                // A capitalised word after a lower-case one inside a sentence. Prose has a few (names), titles and
                // product names capitalise whole runs (counted once), optimisers capitalise at random.
                if ((kind & Kind.Capitalised) != 0 && (kind & Kind.LineStart) == 0 && t + 1 < n
                    && (kinds[t + 1] & (Kind.EndsSentence | Kind.Capitalised)) == 0)
                {
                    capitals++;
                }
            }
            if ((kind & Kind.ListItem) != 0)
            {
                listed++;
            }
            if (k < MinWindow)
            {
                continue;
            }
            var oddShare = oddSum / k;
            var codeShare = codeSum / k;
            var functionShare = words == 0 ? 0 : (double)functions / words;

            // Unfluent: fluent text in any of the listed languages is a fifth or more function words; an optimiser's
            // string of unrelated words has few. Lists have few too but say so with their commas, and fluent text ends
            // its last sentence where an optimiser's tokens stop anywhere. Few words say little, hence the discount.
            var unfluent = words < 5 || (listed >= 2 && listed * 8 >= k) ? 0
                : Math.Clamp((0.3 - functionShare) / 0.25, 0, 1) * Math.Min(1, words / 12.0) * words / k;
            if (endsSentence)
            {
                unfluent *= 0.5;
            }
            // Optimisers capitalise at random: capitalised words scattered among lower-case ones (at most when half are),
            // where prose capitalises a few names and titles capitalise nearly everything.
            var capitalShare = words == 0 ? 0 : (double)capitals / words;
            var capitalMix = 4 * capitalShare * (1 - capitalShare);
            // Fluent: text that mentions a few identifiers (camelCase, snake_case) keeps its function words.
            var fluent = words < 3 ? 0 : Math.Max(0, functionShare - 0.3);

            // Weights set by hand on the corpus's suffixes against the benign sets (the oddness command reports both).
            var raw = (1.4 * oddShare) + (unfluent * (0.15 + (0.45 * capitalMix))) + (0.5 * strays / k)
                - fluent - codeShare - ((double)pairs / k) - 0.1;
            var score = Math.Clamp(raw, 0, 1);
            if (score > best.Score || best.Window == 0)
            {
                best = new OddnessScore(score, oddShare, functionShare, codeShare, k, n);
            }
        }
        return best;
    }

    private static char Closer(char opener) => opener switch { '(' => ')', '[' => ']', _ => '}' };

    /// <summary>How each whitespace token of <paramref name="text"/> is classed (for the training tool's <c>--explain</c>).</summary>
    public static IEnumerable<string> Explain(string text)
    {
        foreach (var token in text.Split((char[])[' ', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries))
        {
            var (odd, code, kind) = Analyse(token);
            yield return string.Create(CultureInfo.InvariantCulture, $"{token}\todd {odd:F2}\tcode {code:F2}\t{kind}");
        }
    }

    private static (float Odd, float Code, Kind Kind) Analyse(ReadOnlySpan<char> token)
    {
        // Emoji and pictographs glued to a word's edges are chat, not soup: read the word without them; a token of
        // nothing else is neutral.
        var start = 0;
        var end = token.Length;
        while (start < end && IsPictograph(token[start]))
        {
            start++;
        }
        while (end > start && IsPictograph(token[end - 1]))
        {
            end--;
        }
        if (start == end)
        {
            return (0, 0, Kind.None);
        }
        token = token[start..end];
        var ending = token[^1] switch
        {
            '.' or '!' or '?' or ':' or '…' or '。' or '！' or '？' => Kind.EndsSentence,
            ',' or ';' or '，' or '、' or '；' => Kind.ListItem,
            _ => Kind.None,
        };
        if (token.Length > MaxTokenChars)
        {
            return (0, 0, ending);
        }
        int first = -1, last = -1, letters = 0, digits = 0, upper = 0, lower = 0;
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            if (char.IsLetterOrDigit(c))
            {
                if (first < 0)
                {
                    first = i;
                }
                last = i;
                if (char.IsDigit(c))
                {
                    digits++;
                    continue;
                }
                if (!IsLatin(c))
                {
                    // Other scripts are never odd; a CJK "token" may be a whole sentence with its punctuation.
                    return (0, 0, ending);
                }
                letters++;
                if (char.IsUpper(c))
                {
                    upper++;
                }
                else
                {
                    lower++;
                }
            }
            else if (char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                return (0, 0, ending);
            }
        }
        if (first < 0)
        {
            // A bar, bullet or dash between words separates the items of a table or list.
            return (SymbolRun(token), 0, token is "|" or "•" or "·" or "-" or "–" or "—" ? Kind.ListItem : ending);
        }

        var lead = token[..first];
        var core = token[first..(last + 1)];
        var trail = token[(last + 1)..];

        // Whole-token patterns that are symbols by design.
        if (token.Contains("://", StringComparison.Ordinal) || core.StartsWith("www.", StringComparison.OrdinalIgnoreCase)
            || IsEmail(core) || IsPath(token, core) || letters <= 2 && digits > 0 || IsBlob(core, digits) || IsAlgebra(token))
        {
            return (0, 0, ending);
        }
        // JSON, CSV and markup: quotes against separators, attributes, closing tags.
        if (token.Contains('"') && (token.Contains("\":", StringComparison.Ordinal) || token.Contains("\",", StringComparison.Ordinal)
                || token.Contains(",\"", StringComparison.Ordinal) || token.Contains("{\"", StringComparison.Ordinal) || token.Contains("=\"", StringComparison.Ordinal))
            || token.Contains("</", StringComparison.Ordinal) || token.Contains("/>", StringComparison.Ordinal))
        {
            return (0, 1, ending);
        }
        if (letters == 1 && core.Length == 1 && token.Length <= 3 && trail.Length > 0 && trail[^1] is ')' or '.' or ':')
        {
            // An enumeration label: A) b. (ii) 1:
            return (0, 0, Kind.ListItem);
        }

        float odd = 0;
        bool dotted = false, identifier = false, call = false, operators = false;
        var depth = 0;
        var lowerRun = 0;
        var upperRun = 0;
        var upperAfterLower = 0;
        var flip = false;
        var strongFlip = false;
        for (var i = 0; i < core.Length; i++)
        {
            var c = core[i];
            if (char.IsLetter(c))
            {
                if (char.IsUpper(c))
                {
                    if (lowerRun >= 2)
                    {
                        // A second flip (stiffenedDocumentsBout) is pieces glued together, not a camelCase name.
                        strongFlip |= flip;
                        flip = true;
                        upperAfterLower = 1;
                    }
                    else if (upperAfterLower > 0 && ++upperAfterLower >= 3)
                    {
                        // similarlyNOW, githubINST: a word piece glued to a shouted one.
                        strongFlip = true;
                    }
                    lowerRun = 0;
                    upperRun++;
                }
                else
                {
                    if (upperRun >= 3 && ++lowerRun >= 2)
                    {
                        // VARYbehave; HTTPServer too, which code context discounts.
                        flip = true;
                    }
                    else if (upperRun < 3)
                    {
                        lowerRun++;
                        upperRun = 0;
                    }
                    upperAfterLower = 0;
                }
                continue;
            }
            lowerRun = 0;
            upperRun = 0;
            upperAfterLower = 0;
            if (char.IsDigit(c))
            {
                continue;
            }
            switch (c)
            {
                case '\'' or '’' or '&':
                    break;
                case '-':
                    if (i + 1 < core.Length && core[i + 1] == '-')
                    {
                        odd = 1;
                    }
                    break;
                case '.':
                    if (i + 1 < core.Length && core[i + 1] == '.')
                    {
                        // "wait...what" in chat; "SHIFTS...gis" in a soup.
                        odd = Math.Max(odd, 0.5f);
                    }
                    else
                    {
                        // Abbreviations, domains, file names, dotted identifiers: prose or code, not soup.
                        dotted = true;
                    }
                    break;
                case '/':
                    dotted = true;
                    break;
                case '_':
                    identifier = true;
                    break;
                case '(' or '[':
                    call = true;
                    depth++;
                    break;
                case ')' or ']':
                    call = true;
                    if (--depth < 0)
                    {
                        // A bracket closed between two words that never opened: beds]Kiaraining.
                        odd = Math.Max(odd, 0.8f);
                    }
                    break;
                case ',' or ':' or '<' or '>' or '=':
                    operators = true;
                    break;
                default:
                    odd = 1;
                    break;
            }
        }
        if (strongFlip)
        {
            odd = 1;
        }
        else if (flip)
        {
            odd = Math.Max(odd, identifier || dotted || call ? 0.25f : 0.5f);
        }
        if (digits > 0 && GluedDigits(core))
        {
            // debts26, LAYERED228, 60thquiet; Python3 and Windows10 too, hence only a little.
            odd = Math.Max(odd, 0.3f);
        }
        if (letters >= 18 && !core.Contains('-'))
        {
            // Pieces glued into one long "word"; English has few this long, German compounds some.
            odd = Math.Max(odd, 0.4f);
        }

        // Edges: prose opens with brackets and quotes and closes with sentence punctuation; not the other way round.
        var flag = false;
        if (lead is "-" or "--")
        {
            // A command-line flag is lower case; "-Of" is not one.
            flag = lower == letters && letters <= 24;
            if (!flag)
            {
                odd = Math.Max(odd, 0.5f);
            }
        }
        else if (!EdgeIsProse(lead, leading: true))
        {
            odd = Math.Max(odd, 0.8f);
        }
        if (!EdgeIsProse(trail, leading: false))
        {
            odd = Math.Max(odd, 0.8f);
        }

        // Code: identifiers, calls whose brackets close, operators, flags. A bracket left open inside a word is not code.
        float codeShape = 0;
        if (call && token.Count('(') + token.Count('[') > token.Count(')') + token.Count(']'))
        {
            odd = Math.Max(odd, 0.6f);
        }
        else if (identifier || call || operators || flag)
        {
            codeShape = 1;
            odd = Math.Max(odd, 0.3f);
        }
        else if (dotted)
        {
            codeShape = 0.3f;
        }
        if (odd >= 0.8f)
        {
            codeShape = 0;
        }

        var kind = ending;
        if (odd == 0 && codeShape == 0 && digits == 0)
        {
            kind |= Kind.Word;
            if (s_functionLookup.Contains(core))
            {
                kind |= Kind.Function;
            }
            if (char.IsUpper(core[0]) && lower > 0)
            {
                // Title case only: acronyms and log tags (NASA, ERR) are capitals of another kind.
                kind |= Kind.Capitalised;
            }
        }
        return (odd, codeShape, kind);
    }

    private static bool EdgeIsProse(ReadOnlySpan<char> edge, bool leading)
    {
        if (edge.IsEmpty)
        {
            return true;
        }
        if (edge.Length >= 4)
        {
            // "!!!!" or "...." is emphasis; four mixed symbols are not.
            return !edge.ContainsAnyExcept(edge[0]);
        }
        foreach (var c in edge)
        {
            var prose = leading
                ? c is '(' or '[' or '"' or '\'' or '“' or '‘' or '«' or '¿' or '¡' or '*' or '_' or '#' or '@' or '$' or '<' or '`' or '{'
                : c is '.' or ',' or ';' or ':' or '!' or '?' or ')' or ']' or '"' or '\'' or '”' or '’' or '»' or '…' or '*' or '_' or '>' or '`';
            if (!prose)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The oddness of a token of symbols only: operators, arrows, emoticons and Markdown marks little (prose and code use
    /// them), a lone bracket or quote more, and most a run that closes before it opens or mixes quotes and backslashes.
    /// </summary>
    private static float SymbolRun(ReadOnlySpan<char> token)
    {
        if (!token.ContainsAnyExcept('_'))
        {
            // The blank of a fill-in-the-blank question.
            return 0.1f;
        }
        if (token is "..." or "…" or "—" or "–" or "-" or "--" or "---" or "&" or "|" or "•" or "·" or "*" or "/" or "+" or "=" or
            "×" or "÷" or "→" or "->" or "<-" or "=>" or ":" or "%" or "#" or "##" or "###" or ">" or "<" or "~" or "^" or "**" or
            ":)" or ";)" or ":-)" or ":(" or ":D" or "==" or "!=" or "<=" or ">=" or "&&" or "||" or "{}" or "()" or "[]" or
            "!" or "?" or "!!" or "?!" or "!?")
        {
            return 0.25f;
        }
        if (token.Length == 1)
        {
            return 0.6f;
        }
        var closerFirst = false;
        var sawCloser = false;
        var quoteOrSlash = false;
        foreach (var c in token)
        {
            if (c is ')' or ']' or '}')
            {
                sawCloser = true;
            }
            else if (c is '(' or '[' or '{' && sawCloser)
            {
                closerFirst = true;
            }
            quoteOrSlash |= c is '\\' or '"' or '\'' or '`';
        }
        return closerFirst || quoteOrSlash ? 1f : 0.6f;
    }

    /// <summary>Emoji (surrogate pairs), dingbats and other symbols, their variation selectors and joiners.</summary>
    private static bool IsPictograph(char c)
        => char.IsSurrogate(c) || c is '\uFE0F' or '\uFE0E' or '\u200D' || char.GetUnicodeCategory(c) == UnicodeCategory.OtherSymbol;

    private static bool IsLatin(char c) => c < 0x250 || c is >= '\u1E00' and <= '\u1EFF';

    private static bool IsEmail(ReadOnlySpan<char> core)
    {
        var at = core.IndexOf('@');
        return at > 0 && core[(at + 1)..].Contains('.');
    }

    private static bool IsPath(ReadOnlySpan<char> token, ReadOnlySpan<char> core)
    {
        if (core.ContainsAny(s_notInPaths))
        {
            return false;
        }
        var separators = token.Count('/') + token.Count('\\');
        return separators >= 2 && (core.Contains('/') || core.Contains('\\'))
            || token.StartsWith("~/") || token.StartsWith("./") || token.StartsWith("../")
            || token.Length > 2 && char.IsAsciiLetter(token[0]) && token[1] == ':' && token[2] == '\\';
    }

    /// <summary>Algebra: single-letter variables, digits and operators (x+y, 4z^2, |x).</summary>
    private static bool IsAlgebra(ReadOnlySpan<char> token)
    {
        var run = 0;
        var operators = false;
        foreach (var c in token)
        {
            if (char.IsLetter(c))
            {
                if (++run > 1)
                {
                    return false;
                }
                continue;
            }
            run = 0;
            operators |= c is '+' or '-' or '*' or '/' or '^' or '=' or '<' or '>' or '|';
        }
        return operators;
    }

    /// <summary>A run of three or more letters against a run of digits inside a word.</summary>
    private static bool GluedDigits(ReadOnlySpan<char> core)
    {
        int previousRun = 0, run = 0;
        var previousDigit = false;
        var digit = false;
        foreach (var c in core)
        {
            var isDigit = char.IsDigit(c);
            if (!isDigit && !char.IsLetter(c))
            {
                previousRun = run = 0;
                continue;
            }
            if (run > 0 && isDigit != digit)
            {
                previousDigit = digit;
                previousRun = run;
                run = 0;
            }
            digit = isDigit;
            run++;
            if (previousRun > 0 && previousDigit != digit && (digit ? previousRun : run) >= 3)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Base64, hex, a JWT or a UUID: 16 or more characters of that alphabet, either hex with digits or switching between
    /// upper case, lower case and digits at every few characters (random bytes do; words glued together do not).
    /// </summary>
    private static bool IsBlob(ReadOnlySpan<char> core, int digits)
    {
        if (core.Length < 16 || core.ContainsAnyExcept(s_blobAlphabet))
        {
            return false;
        }
        if (digits >= 4 && !core.ContainsAnyExcept(s_hexAlphabet))
        {
            return true;
        }
        var switches = 0;
        for (var i = 1; i < core.Length; i++)
        {
            if (ClassOf(core[i]) != ClassOf(core[i - 1]))
            {
                switches++;
            }
        }
        return switches * 4 >= core.Length;

        static int ClassOf(char c) => char.IsAsciiLetterUpper(c) ? 0 : char.IsAsciiLetterLower(c) ? 1 : char.IsAsciiDigit(c) ? 2 : 3;
    }
}
