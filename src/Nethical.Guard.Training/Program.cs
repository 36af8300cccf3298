using Nethical.Guard.Training;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("""
        Nethical.Guard.Training — tier-2 model tools (reads ../shared/data, writes models/)

          train     [--encoder MiniLM|ArcticXs] [--seed 42]       shared data + generated corpus -> heads -> models/manifest.json
                    [--corpus false] [--corpus-weight 0.25] [--threshold-on shared|all|files] [--source-aware both|true|false] [--hidden 64]
          distill   [--temperature 2] [--alpha 0.7]              the head's scores -> hashed n-gram student
          evaluate  [--variant fp32|int8|both] [--before DIR]    tier 1, tier 2, student and the gate, per file and per corpus family
          quantize                                               INT8 encoder: size, latency, accuracy vs fp32
          benchmark [--threads 1]                                tier 2 served: p50/p99, prompts/s, fp32 vs INT8
          generate  [--seed 42] [--out FILE]                     the attack and hard-negative corpus (not committed)
          evaluate-corpus [--variant int8]                       the shipped tiers on that corpus, per generator family
          lofo      [--head mlp|logistic] [--epochs 60] [--kept false] [--families intent,...] [--source-aware]
                                                                 leave-one-family-out recall of a head trained with the corpus
          oddness   [--worst N] [--explain TEXT]                 the adversarial-suffix signal against code, URLs, base64, scripts

        Common: --data DIR  --models DIR  --artifacts DIR  --threads N
        """);
    return 0;
}

var context = TrainingContext.Parse(args[1..]);
return args[0] switch
{
    "train" => TrainCommand.Run(context),
    "evaluate" => EvaluateCommand.Run(context),
    "distill" => DistillCommand.Run(context),
    "quantize" => QuantizeCommand.Run(context),
    "benchmark" => await BenchmarkCommand.RunAsync(context),
    "generate" => GenerateCommand.Run(context),
    "evaluate-corpus" => CorpusEvaluateCommand.Run(context),
    "oddness" => OddnessCommand.Run(context),
    "lofo" => LofoCommand.Run(context),
    _ => Fail($"Unknown command '{args[0]}'."),
};

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
