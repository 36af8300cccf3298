using System.Text.RegularExpressions;

namespace Nethical.Guard.Detectors.PromptInjection;

internal static partial class RulePacks
{
    private static RulePack TemplateSpoofing() => new(
        "template-spoofing",
        [
            new("pi.template.chatml", 0.7, ChatMlToken(), Anchors: ["<|", "_of_turn>"]),
            new("pi.template.special_token", 0.4, SpecialToken(), Anchors: ["<|"]),
            new("pi.template.llama", 0.7, LlamaTemplate(), Anchors: ["[inst]", "[/inst]", "sys>>"]),
            new("pi.template.markdown_role", 0.6, MarkdownRoleHeader(), Anchors: ["##"]),
            new("pi.template.alpaca", 0.4, AlpacaHeader(), Anchors: ["##"]),
            new("pi.template.xml_role", 0.7, XmlRoleBoundary(), Anchors: ["</", "system_prompt", "system-prompt", "admin_instructions", "developer_instructions", "sys_prompt", "new_instructions", "system_override", "important_instructions"]),
            new("pi.template.xml_role_weak", 0.4, XmlSystemTag(), Anchors: ["system"]),
            new("pi.template.json_role", 0.4, JsonSystemRole(), Anchors: ["role"]),
            new("pi.template.role_prefix", 0.45, RolePrefix(), Anchors: ["sys", "admin", "developer", "root"]),
            new("pi.template.system_announcement", 0.65, SystemAnnouncement(), Anchors: ["announcement", "instruction", "override", "prompt", "message", "mode"]),
            new("pi.template.end_of_prompt", 0.55, EndOfPrompt(), Anchors: ["end of", "ends here", "terminat", "=end", "= end", "-end", "- end", "#end", "# end", "[end"]),
        ]);

    // "<|im_start|>system", "<|system|>", "<|start_header_id|>system<|end_header_id|>", "<start_of_turn>user"
    [GeneratedRegex("""<\|\W{0,2}(?:im_start|im_end|im_sep|system|user|assistant|start_header_id|end_header_id|eot_id|begin_of_text|eom_id|endofprompt|start_of_turn|end_of_turn)\W{0,2}\|>|<(?:start_of_turn|end_of_turn)>""", Options, TimeoutMs)]
    private static partial Regex ChatMlToken();

    // "<|endoftext|>" and other special tokens: weak, common in developer questions
    [GeneratedRegex("""<\|[a-z_]{2,24}\|>""", Options, TimeoutMs)]
    private static partial Regex SpecialToken();

    // "[INST]", "<<SYS>>"
    [GeneratedRegex("""\[/?inst\]|<</?sys>>""", Options, TimeoutMs)]
    private static partial Regex LlamaTemplate();

    // "### system:", "## new instructions:", "### admin override:"
    [GeneratedRegex($$"""#{2,6}\W{0,2}(?:system|new{{S}}instructions?|system{{S}}(?:prompt|message|instructions?|override|note|update)|admin(?:istrator)?{{S}}(?:instructions?|override|message)|developer{{S}}(?:instructions?|message|mode))\W{0,2}(?::|#)""", Options, TimeoutMs)]
    private static partial Regex MarkdownRoleHeader();

    // "### instruction:": weak, also the Alpaca prompt format
    [GeneratedRegex("""#{2,6}\W{0,2}(?:instruction|response|input)\W{0,2}:""", Options, TimeoutMs)]
    private static partial Regex AlpacaHeader();

    // "</user><system>", "</document> <instructions>", "<system_prompt>"
    [GeneratedRegex("""</\W{0,2}(?:system|system_prompt|system-prompt|sys|instructions|user_query|user|context|document|documents|search_results?|tool_output|function_results?|data|email|untrusted|user_input)\W{0,2}>\W{0,6}<\W{0,2}(?:system|system_prompt|instructions|admin|developer|assistant|im_start)\b|<\W{0,2}(?:system_prompt|system-prompt|admin_instructions|developer_instructions|sys_prompt|new_instructions|system_override|important_instructions)\W{0,2}>""", Options, TimeoutMs)]
    private static partial Regex XmlRoleBoundary();

    // "<system>", "</system>": weak, also XML configuration
    [GeneratedRegex("""</?\W{0,2}system\W{0,2}>""", Options, TimeoutMs)]
    private static partial Regex XmlSystemTag();

    // "\"role\": \"system\"" inside user text: weak, developers paste API calls
    [GeneratedRegex("""["']role["']\W{0,3}:\W{0,3}["'](?:system|developer)["']""", Options, TimeoutMs)]
    private static partial Regex JsonSystemRole();

    // "system: you are now ...", "admin note: ignore ..."
    [GeneratedRegex($$"""\b(?:system|sys|admin|administrator|developer|root)(?:{{S}}(?:message|prompt|note|instructions?|override|announcement|update|alert|notice|command))?\W{0,2}:\W{0,3}(?:you|ignore|new|from{{S}}now|the{{S}}user|all|override|important|ai|assistant|do{{S}}not|don't|disregard|forget|reveal|print|chatgpt)\b""", Options, TimeoutMs)]
    private static partial Regex RolePrefix();

    // "system announcement begins", "** system instruction begins"
    [GeneratedRegex($$"""\b(?:system|admin|administrator|developer|sudo|root)\W{1,4}(?:announcement|instructions?|override|prompt|message|mode)\W{1,4}(?:begins|starts|started|follows|begin|start|activated|engaged)\b""", Options, TimeoutMs)]
    private static partial Regex SystemAnnouncement();

    // "end of prompt", "=== end ===", "user message terminated"
    [GeneratedRegex($$"""\bend{{S}}of{{S}}(?:system{{S}})?(?:prompt\b|instructions?\W{0,3}[\]>\-=#*]|user{{S}}input\b|context\W{0,3}[\]>\-=#*]|document\W{0,3}[\]>\-=#*])|\bprompt{{S}}ends{{S}}here\b|\b(?:user|human){{S}}message{{S}}terminat|\bconversation{{S}}terminat|={3,}\W{0,3}end\b|-{3,}\W{0,3}end\b|#{3,}\W{0,3}end\b|\[end{{S}}of{{S}}\w+\]""", Options, TimeoutMs)]
    private static partial Regex EndOfPrompt();
}
