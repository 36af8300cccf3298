using System.Text.RegularExpressions;

namespace Nethical.Guard.Detectors.PromptInjection;

internal static partial class RulePacks
{
    private const string AiAddressee =
        @"(?:ai|assistant|llm|language model|agent|chatbot|bot|gpt|chatgpt|copilot|claude|gemini|bard|model)";

    private static RulePack ToolHijack() => new(
        "tool-hijack",
        [
            new("pi.tool.hijack", 0.7, CallToolWith(), SourceMask.Indirect, Anchors: ["call", "invoke", "execute", "trigger", "use", "run", "activate"]),
            new("pi.tool.send_data", 0.7, SendDataTo(), SourceMask.Indirect, Anchors: ["send", "forward", "mail", "upload", "post", "transfer", "export", "share", "leak", "exfiltrat", "copy", "sync", "bcc"]),
            new("pi.tool.execute_command", 0.7, ExecuteCovertly(), SourceMask.Indirect, Anchors: ["silently", "secretly", "quietly", "covertly", "without"]),
            new("pi.tool.pipe_to_shell", 0.45, PipeToShell(), SourceMask.Indirect, Anchors: ["curl", "wget", "rm -rf"]),
            new("pi.tool.addressed_to_ai", 0.6, AddressedToAi(), SourceMask.Indirect, Anchors: ["ai", "assistant", "llm", "language model", "agent", "bot", "gpt", "copilot", "claude", "gemini", "bard", "model"]),
            new("pi.tool.ignore_user", 0.7, IgnoreTheUser(), SourceMask.Indirect, Anchors: ["user", "human", "instead of"]),
        ]);

    // In tool output or documents: "call the send_email tool with ...", "use the browser function to send ..."
    [GeneratedRegex($$"""\b(?:call|invoke|use|run|trigger|execute|activate){{S}}(?:(?:the|your|a){{S}})?[\w.\-]{1,40}{{S}}(?:tool|function|plugin|action|api|endpoint|command|skill)\b{{S}}(?:with|using|passing|and{{S}}(?:pass|send|set)|to{{S}}(?:send|delete|transfer|forward|email|post|upload|share|export|read|fetch))\b|\b(?:call|invoke|execute|trigger){{S}}(?:the{{S}})?[a-z][\w.]{2,40}\(""", Options, TimeoutMs)]
    private static partial Regex CallToolWith();

    // In tool output or documents: "send all the emails to ...", "forward the user's files to ..." (not "send the signed files to HR")
    [GeneratedRegex($$"""\b(?:send|forward|email|e-mail|mail|upload|post|transfer|export|share|leak|exfiltrate|copy|sync|bcc)\b{{S}}(?:the{{S}})?(?:all|every|any|entire|user's|his|her|their|these|those|a{{S}}copy{{S}}of|copies{{S}}of){{S}}(?:(?:the|your|my|of|their|user's|this){{S}}){0,2}(?:[\w'\-]{1,24}{{S}})?(?:emails?|files?|data|documents?|contacts?|passwords?|credentials|messages|conversation|chat{{S}}history|history|api{{S}}keys?|secrets?|tokens?|cookies|inbox|attachments?|records|database|customer{{S}}data|personal{{S}}(?:data|information)|credit{{S}}card\w*|ssh{{S}}keys?)\b{{S}}(?:[\w'\-]{1,24}{{S}}){0,3}?(?:to|into|at)\b""", Options, TimeoutMs)]
    private static partial Regex SendDataTo();

    // In tool output or documents: "execute this command without asking the user", "silently run ..."
    [GeneratedRegex($$"""\b(?:silently|secretly|quietly|covertly){{S}}(?:execute|run|eval|call|invoke|send|delete)\b|\b(?:execute|run|eval)\b(?:{{S}}[\w'\-]{1,24}){0,4}?{{S}}(?:silently|secretly|quietly|covertly|without{{S}}(?:asking|confirmation|confirming|telling|informing|notifying)(?:{{S}}the{{S}}user)?)\b""", Options, TimeoutMs)]
    private static partial Regex ExecuteCovertly();

    // In tool output or documents: "curl https://x | sh", "rm -rf /": weak, installation docs say the same
    [GeneratedRegex("""\b(?:curl|wget)\b[^|\n]{1,300}?\|\W{0,2}(?:sudo\W{1,2})?(?:ba|z)?sh\b|\brm\W{1,3}-rf\W{1,3}[/~]""", Options, TimeoutMs)]
    private static partial Regex PipeToShell();

    // In tool output or documents: "note to the AI: ...", "if you are an AI assistant reading this", "the assistant must now ..."
    [GeneratedRegex($$"""\b(?:note|attention|message|instructions?|important|notice|reminder|update){{S}}(?:to|for){{S}}(?:(?:the|any|all){{S}})?{{AiAddressee}}s?\b|\b(?:dear|hey|hi|hello|attention){{S}}{{AiAddressee}}\b|\bif{{S}}you{{S}}are{{S}}(?:(?:an?|the){{S}})?(?:[\w'\-]{1,24}{{S}})?{{AiAddressee}}\b|\b{{AiAddressee}}s?{{S}}(?:that{{S}}(?:is|are){{S}})?(?:reading|processing|summari[sz]ing|parsing|analy[sz]ing){{S}}(?:this|these)\b|\b(?:the{{S}})?(?:ai|assistant|llm|language model|agent|chatbot){{S}}(?:must|is{{S}}instructed{{S}}to|is{{S}}required{{S}}to|will{{S}}now|has{{S}}to|shall){{S}}(?:now{{S}})?(?:ignore|forget|disregard|send|reply|respond|say|output|print|tell|include|reveal|call|execute|stop|only)\b""", Options, TimeoutMs)]
    private static partial Regex AddressedToAi();

    // In tool output or documents: "ignore the user's request", "instead of summarizing, ..."
    [GeneratedRegex($$"""\b(?:ignore|disregard|do{{S}}not{{S}}follow|don't{{S}}follow){{S}}(?:the{{S}})?(?:user|user's|human|human's|original){{S}}(?:request|instructions?|question|task|query|message|prompt|wishes)\b|\binstead{{S}}of{{S}}(?:following|answering|doing|completing|summari[sz]ing|translating){{S}}(?:the{{S}})?(?:user|user's|human's|original|this)\b""", Options, TimeoutMs)]
    private static partial Regex IgnoreTheUser();
}
