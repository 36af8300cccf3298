using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Training;

/// <summary>
/// The tool's command line: one command per job, each with its typed options and their defaults. An unknown command or
/// option is a parse error (message, help, non-zero exit code), never silently ignored.
/// </summary>
internal static class TrainingCli
{
    private static readonly string[] s_variants = ["fp32", "int8"];

    /// <summary>This run's command and arguments as typed (after the tool's own path), for a manifest's recipe.</summary>
    public static string CommandLine() => string.Join(" ", Environment.GetCommandLineArgs().Skip(1));

    /// <summary>The root command with every subcommand; <c>Build().Parse(args).Invoke()</c> runs the tool.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Nethical.Guard.Training — tier-2 model tools (reads ../shared/data, writes models/)")
        {
            Train(),
            Distill(),
            Evaluate(),
            Quantize(),
            Benchmark(),
            Generate(),
            EvaluateCorpus(),
            Lofo(),
            Oddness(),
            FineTune(),
        };
        // No command, or the word "help": the tool's help, as before System.CommandLine.
        root.SetAction(ShowHelp);
        var help = new Command("help", "Show the commands.") { Hidden = true };
        help.SetAction(ShowHelp);
        root.Add(help);
        return root;
    }

    private static int ShowHelp(ParseResult parseResult)
    {
        var root = parseResult.RootCommandResult.Command;
        return root.Parse(["--help"]).Invoke(parseResult.InvocationConfiguration);
    }

    /// <summary>The options every command reads into a <see cref="TrainingContext"/>.</summary>
    private sealed class CommonOptions
    {
        public Option<string?> Data { get; } = new("--data")
        {
            Description = "The shared data folder (deepset, jackhhao, benign-*); default: searched for (../shared/data and up)",
            HelpName = "DIR",
        };

        public Option<string> Models { get; } = new("--models")
        {
            Description = "The models folder read and written",
            HelpName = "DIR",
            DefaultValueFactory = _ => Path.Combine(TrainingContext.FindRoot(), "models"),
        };

        public Option<string> Artifacts { get; } = new("--artifacts")
        {
            Description = "Embedding caches, built encoders and the generated corpus (git-ignored)",
            HelpName = "DIR",
            DefaultValueFactory = _ => Path.Combine(TrainingContext.FindRoot(), "artifacts"),
        };

        public Option<int> Seed { get; } = new("--seed")
        {
            Description = "Seed of the corpus, the validation split and training",
            DefaultValueFactory = _ => 42,
        };

        public Option<int> Threads { get; }

        public CommonOptions(int defaultThreads)
        {
            Threads = new Option<int>("--threads")
            {
                Description = "ONNX Runtime intra-op threads",
                HelpName = "N",
                DefaultValueFactory = _ => defaultThreads,
            };
        }

        public void AddTo(Command command)
        {
            command.Add(Data);
            command.Add(Models);
            command.Add(Artifacts);
            command.Add(Threads);
            command.Add(Seed);
        }

        public TrainingContext Read(ParseResult parseResult)
            => new(
                parseResult.GetValue(Data),
                parseResult.GetRequiredValue(Models),
                parseResult.GetRequiredValue(Artifacts),
                parseResult.GetValue(Seed),
                parseResult.GetValue(Threads));
    }

    private static Command Train()
    {
        var common = new CommonOptions(Environment.ProcessorCount);
        var encoder = EncoderOption();
        var corpus = new Option<bool>("--corpus")
        {
            Description = "Train with the generated corpus's fit and validation partitions (false: the shared data alone)",
            DefaultValueFactory = _ => true,
        };
        var sourceAware = new Option<string>("--source-aware")
        {
            Description = "Head candidates that read the text's source: both, true (only those) or false (none); alone: true",
            // "--source-aware" alone meant true before the typed options; it still does. Absent: both.
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = result => result.Parent is OptionResult { Implicit: false } ? "true" : "both",
        };
        sourceAware.AcceptOnlyFromAmong(TrainCommand.SourceAwareChoices);
        var balance = new Option<string?>("--balance")
        {
            Description = "Fitting weights: sources (shared and generated balanced, the generated side scaled by --corpus-weight), files (per file and class) or none; default: sources with the corpus, none without",
        };
        balance.AcceptOnlyFromAmong(TrainCommand.BalanceChoices);
        var thresholdOn = new Option<string>("--threshold-on")
        {
            Description = "Validation benign rows that set the operating point: shared, all (shared + generated) or files (the highest per-file point)",
            DefaultValueFactory = _ => "shared",
        };
        thresholdOn.AcceptOnlyFromAmong(TrainCommand.ThresholdChoices);
        var hidden = HiddenOption();
        var fpr = FprOption("The operating point's false-positive rate on the validation benign rows");
        var corpusWeight = CorpusWeightOption();

        var command = new Command("train", "Shared data + generated corpus -> embeddings -> logistic and MLP heads -> the best one -> models/manifest.json")
        {
            encoder, corpus, sourceAware, balance, thresholdOn, hidden, fpr, corpusWeight,
        };
        common.AddTo(command);
        command.SetAction(parseResult => TrainCommand.Run(common.Read(parseResult), new TrainOptions(
            parseResult.GetRequiredValue(encoder),
            parseResult.GetValue(corpus),
            parseResult.GetRequiredValue(sourceAware),
            parseResult.GetValue(balance),
            parseResult.GetRequiredValue(thresholdOn),
            parseResult.GetValue(hidden),
            parseResult.GetValue(fpr),
            parseResult.GetValue(corpusWeight))));
        return command;
    }

    private static Command Distill()
    {
        var common = new CommonOptions(Environment.ProcessorCount);
        var temperature = new Option<double>("--temperature")
        {
            Description = "Distillation temperature: the teacher's logit is divided by it",
            DefaultValueFactory = _ => 2.0,
        };
        var alpha = new Option<double>("--alpha")
        {
            Description = "The soft target's share of the student's target (the label has the rest)",
            DefaultValueFactory = _ => 0.7,
        };
        var bits = new Option<int>("--bits")
        {
            Description = "The student hashes n-grams into 2^bits buckets",
            DefaultValueFactory = _ => 18,
        };
        bits.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 30)
            {
                result.AddError("--bits must be between 1 and 30.");
            }
        });
        var corpus = new Option<bool>("--corpus")
        {
            Description = "Add the generated corpus's user-side texts outside its test partition",
            DefaultValueFactory = _ => true,
        };

        var wider = new Option<bool>("--wider-attacks")
        {
            Description = "Add the user-side rows of the fine-tuning sources (arcanum's technique catalogue, promptinject, agentdojo's user tasks), taught by the teacher, so the student routes those styles to tier 2",
        };

        var wide = new Option<string[]>("--student-benign")
        {
            Description = "Wider benign folders whose training halves the student also learns (benign-awesome-chatgpt-prompts, benign-fabric-system-prompts, benign-owasp-llm-top10, benign-xquad-multilingual, or all); their other halves are held out and reported either way",
            HelpName = "FOLDER",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [],
        };
        var epochs = new Option<int>("--epochs")
        {
            Description = "Passes over the fitting rows",
            DefaultValueFactory = _ => 16,
        };
        epochs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--epochs must be at least 1.");
            }
        });
        var learningRate = new Option<double>("--learning-rate")
        {
            Description = "AdaGrad's base step",
            DefaultValueFactory = _ => 0.5,
        };
        var l2 = new Option<double>("--l2")
        {
            Description = "L2 penalty on the student's weights",
            DefaultValueFactory = _ => 1e-5,
        };
        var fileBalance = new Option<double>("--file-balance")
        {
            Description = "Within each class a file's rows weigh (mean rows per file / its rows)^this: 0 every row alike, 1 every file alike",
            DefaultValueFactory = _ => 0.0,
        };
        fileBalance.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0 or > 1)
            {
                result.AddError("--file-balance must be between 0 and 1.");
            }
        });
        var benignWeight = new Option<double>("--benign-weight")
        {
            Description = "Benign rows' weight relative to attack rows'",
            DefaultValueFactory = _ => 1.0,
        };
        benignWeight.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() <= 0)
            {
                result.AddError("--benign-weight must be positive.");
            }
        });
        var output = OutOption("A file the per-file skip and routing report is also written to");
        var routeFor = new Option<string>("--route-for")
        {
            Description = "Which validation attacks the pass-below point keeps 98% of routed to tier 2: 'all' (the shipped student), or 'caught' (those the teacher scores at or above its threshold: routing the others to the model changes no verdict; clears more benign text, but lets some attacks the model would catch skip it on held-back data)",
            DefaultValueFactory = _ => "all",
        };
        routeFor.AcceptOnlyFromAmong("caught", "all");

        var command = new Command("distill", "The head's scores -> hashed n-gram student (models/tier2-student.bin, manifest updated)")
        {
            temperature, alpha, bits, corpus, wider, wide, epochs, learningRate, l2, fileBalance, benignWeight, output, routeFor,
        };
        common.AddTo(command);
        command.SetAction(parseResult => DistillCommand.Run(common.Read(parseResult), new DistillOptions(
            parseResult.GetValue(temperature),
            parseResult.GetValue(alpha),
            parseResult.GetValue(bits),
            parseResult.GetValue(corpus),
            parseResult.GetValue(wide) ?? [],
            parseResult.GetValue(epochs),
            parseResult.GetValue(learningRate),
            parseResult.GetValue(l2),
            parseResult.GetValue(fileBalance),
            parseResult.GetValue(benignWeight),
            parseResult.GetValue(output),
            RouteCaughtOnly: parseResult.GetValue(routeFor) == "caught",
            WiderAttacks: parseResult.GetValue(wider))));
        return command;
    }

    private static Command Evaluate()
    {
        var common = new CommonOptions(Environment.ProcessorCount);
        var variant = new Option<string>("--variant")
        {
            Description = "Encoder variants measured: fp32, int8 or both",
            DefaultValueFactory = _ => "both",
        };
        variant.AcceptOnlyFromAmong([.. s_variants, "both"]);
        var before = new Option<string?>("--before")
        {
            Description = "An earlier models folder: its tables beside this one's, and a before → after summary",
            HelpName = "DIR",
        };
        var output = OutOption("A file the report is also written to");
        var blind = new Option<string?>("--blind")
        {
            Description = "The blind check's file (eval/blind/blind-check.jsonl), reported per category; read by no training command",
            HelpName = "FILE",
        };
        blind.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } path && !File.Exists(path))
            {
                result.AddError($"--blind: no file {path}.");
            }
        });

        var command = new Command("evaluate", "Tier 1, tier 2, the student and the gate, per held-back file and per corpus family")
        {
            variant, before, output, blind,
        };
        common.AddTo(command);
        command.SetAction(parseResult => EvaluateCommand.Run(common.Read(parseResult), new EvaluateOptions(
            parseResult.GetRequiredValue(variant),
            parseResult.GetValue(before),
            parseResult.GetValue(output),
            parseResult.GetValue(blind))));
        return command;
    }

    private static Command Quantize()
    {
        var common = new CommonOptions(Environment.ProcessorCount);
        var repeats = new Option<int>("--repeats")
        {
            Description = "Timed runs per latency measurement at batch 1 (a quarter as many, at least 5, at batch 32)",
            DefaultValueFactory = _ => 30,
        };
        var command = new Command("quantize", "INT8 encoder: size, latency, accuracy vs fp32") { repeats };
        common.AddTo(command);
        command.SetAction(parseResult => QuantizeCommand.Run(common.Read(parseResult), new QuantizeOptions(parseResult.GetValue(repeats))));
        return command;
    }

    private static Command Benchmark()
    {
        // One intra-op thread, as the gateway serves tier 2 (Tier2Options.IntraOpThreads).
        var common = new CommonOptions(defaultThreads: 1);
        var single = new Option<int>("--single")
        {
            Description = "Requests timed one at a time, per variant",
            DefaultValueFactory = _ => 200,
        };
        var requests = new Option<int>("--requests")
        {
            Description = "Requests sent with 64 in flight, per variant",
            DefaultValueFactory = _ => 640,
        };
        var command = new Command("benchmark", "Tier 2 served: p50/p99, prompts/s, fp32 vs INT8") { single, requests };
        common.AddTo(command);
        command.SetAction((parseResult, _) => BenchmarkCommand.RunAsync(common.Read(parseResult), new BenchmarkOptions(
            parseResult.GetValue(single),
            parseResult.GetValue(requests))));
        return command;
    }

    private static Command Generate()
    {
        var common = new CommonOptions(Environment.ProcessorCount);
        var output = OutOption("The JSON-lines file written; default: corpus/corpus.jsonl under --artifacts");
        var command = new Command("generate", "The attack and hard-negative corpus (not committed)") { output };
        common.AddTo(command);
        command.SetAction(parseResult => GenerateCommand.Run(common.Read(parseResult), parseResult.GetValue(output)));
        return command;
    }

    private static Command EvaluateCorpus()
    {
        var common = new CommonOptions(Environment.ProcessorCount);
        var variant = new Option<string>("--variant")
        {
            Description = "Encoder variant: fp32 or int8",
            DefaultValueFactory = _ => "int8",
        };
        variant.AcceptOnlyFromAmong(s_variants);
        var output = OutOption("A file the report is also written to");
        var command = new Command("evaluate-corpus", "The shipped tiers on the generated corpus, per generator family") { variant, output };
        common.AddTo(command);
        command.SetAction(parseResult => CorpusEvaluateCommand.Run(common.Read(parseResult), parseResult.GetRequiredValue(variant), parseResult.GetValue(output)));
        return command;
    }

    private static Command FineTune()
    {
        var common = new CommonOptions(Environment.ProcessorCount);
        Option<T> Make<T>(string name, string description, T value) => new(name) { Description = description, DefaultValueFactory = _ => value };
        var layers = Make("--layers", "Transformer layers kept: 6 (all of MiniLM-L6), or a pruned cut of the first 3 or 4", 6);
        layers.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 6)
            {
                r.AddError("--layers must be between 1 and 6.");
            }
        });
        var epochs = Make("--epochs", "Passes, each over a fresh per-source sample of the fitting rows", 2);
        var perSource = Make("--per-source", "At most this many fitting rows per source and class in each epoch", 700);
        var encoderRate = Make("--encoder-lr", "Peak learning rate of the encoder layers (AdamW, linear warm-up and decay)", 4e-5);
        var headRate = Make("--head-lr", "Peak learning rate of the head", 1e-3);
        var batch = Make("--batch-windows", "Token windows per optimiser step", 16);
        var trainWindows = Make("--train-windows", "A long text trains on at most this many of its windows, evenly spaced", 6);
        var holdOut = new Option<string[]>("--hold-out")
        {
            Description = "Sources left out of training and reported on their own: " + string.Join(", ", FineTuning.FineTuneData.Sources),
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [],
        };
        holdOut.AcceptOnlyFromAmong([.. FineTuning.FineTuneData.Sources]);
        var holdOutFamily = new Option<string[]>("--hold-out-family")
        {
            Description = "FAMILY=VALUE: generated rows with that value (intent, framing, carrier, language, obfuscation) left out of training and reported on their own, e.g. language=ru intent=persona",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [],
        };
        EachValue(holdOutFamily, value => FineTuning.FamilyValue.Parse(value) is not null,
            "expected FAMILY=VALUE with FAMILY one of " + string.Join(", ", Corpus.CorpusExample.Families.Select(f => f.Name)));
        var marker = new Option<bool>("--source-marker") { Description = "Experiment: tool and document text starts with [unused1] in place of [CLS], so the encoder sees the source (serving does not mark; measure only)" };
        var fpr = FprOption("The operating point's false-positive rate on the validation benign rows");
        var output = new Option<string?>("--out") { Description = "The run's folder (checkpoints per epoch, report.md); default: artifacts/finetune/l{layers}", HelpName = "DIR" };
        var limit = Make("--limit-rows", "Use at most this many rows (a smoke run); 0: all", 0);
        var cap = new Option<string[]>("--cap")
        {
            Description = "SOURCE=N: that source's rows per class and epoch instead of --per-source (e.g. corpus=2000 injecagent=300)",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [],
        };
        EachValue(cap, value => value.Split('=') is [var source, var count]
            && FineTuning.FineTuneData.Sources.Contains(source) && int.TryParse(count, out var n) && n >= 0,
            "expected SOURCE=N with a known source and N >= 0");
        var command = new Command("finetune", "Fine-tune the encoder and a source-aware head end to end (TorchSharp, CPU) on the wider data")
        {
            layers, epochs, perSource, encoderRate, headRate, batch, trainWindows, holdOut, holdOutFamily, marker, fpr, output, limit, cap,
        };
        common.AddTo(command);
        command.SetAction(parseResult =>
        {
            var context = common.Read(parseResult);
            var kept = parseResult.GetValue(layers);
            return FineTuning.FineTuneCommand.Run(context, new FineTuning.FineTuneOptions(
                kept,
                parseResult.GetValue(epochs),
                parseResult.GetValue(perSource),
                parseResult.GetValue(encoderRate),
                parseResult.GetValue(headRate),
                parseResult.GetValue(batch),
                parseResult.GetValue(trainWindows),
                parseResult.GetValue(holdOut) ?? [],
                parseResult.GetValue(fpr),
                parseResult.GetValue(output) ?? Path.Combine(context.ArtifactsDirectory, "finetune", $"l{kept}"),
                parseResult.GetValue(limit),
                (parseResult.GetValue(cap) ?? []).Select(c => c.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)),
                [.. (parseResult.GetValue(holdOutFamily) ?? []).Select(v => FineTuning.FamilyValue.Parse(v)!).Distinct()],
                parseResult.GetValue(marker)));
        });
        return command;
    }

    private static Command Lofo()
    {
        var common = new CommonOptions(Environment.ProcessorCount);
        var encoder = EncoderOption();
        var head = new Option<string>("--head")
        {
            Description = "The head trained: mlp or logistic",
            DefaultValueFactory = _ => "mlp",
        };
        head.AcceptOnlyFromAmong("mlp", "logistic");
        var hidden = HiddenOption();
        var epochs = new Option<int>("--epochs")
        {
            Description = "Training epochs (twice as many for a logistic head)",
            DefaultValueFactory = _ => 60,
        };
        var thresholdOn = new Option<string>("--threshold-on")
        {
            Description = "Validation benign rows that set the threshold: shared, or all (shared + generated)",
            DefaultValueFactory = _ => "shared",
        };
        thresholdOn.AcceptOnlyFromAmong("shared", "all");
        var fpr = FprOption("The threshold's false-positive rate on the validation benign rows");
        var corpusWeight = CorpusWeightOption();
        var kept = new Option<bool>("--kept")
        {
            Description = "Also measure each value kept in training (its test partition)",
            DefaultValueFactory = _ => true,
        };
        var sourceAware = new Option<bool>("--source-aware")
        {
            Description = "Heads that read the text's source (tool and document text apart from user text)",
        };
        var families = new Option<string?>("--families")
        {
            Description = "Comma-separated generator families to measure (intent, framing, carrier, language, obfuscation); default: all",
            HelpName = "LIST",
        };
        var output = OutOption("A file the report is also written to");

        var command = new Command("lofo", "Leave-one-family-out recall of a head trained with the corpus")
        {
            encoder, head, hidden, epochs, thresholdOn, fpr, corpusWeight, kept, sourceAware, families, output,
        };
        common.AddTo(command);
        command.SetAction(parseResult => LofoCommand.Run(common.Read(parseResult), new LofoOptions(
            parseResult.GetRequiredValue(encoder),
            parseResult.GetRequiredValue(head),
            parseResult.GetValue(hidden),
            parseResult.GetValue(epochs),
            parseResult.GetRequiredValue(thresholdOn),
            parseResult.GetValue(fpr),
            parseResult.GetValue(corpusWeight),
            parseResult.GetValue(kept),
            parseResult.GetValue(sourceAware),
            parseResult.GetValue(families),
            parseResult.GetValue(output))));
        return command;
    }

    private static Command Oddness()
    {
        var common = new CommonOptions(Environment.ProcessorCount);
        var explain = new Option<string?>("--explain")
        {
            Description = "Print how each token of TEXT is classed, and nothing else",
            HelpName = "TEXT",
        };
        var fpr = FprOption("The false-positive bound the lowest threshold is chosen for, on every benign set");
        var worst = new Option<int>("--worst")
        {
            Description = "Print the N highest-scoring negatives and lowest-scoring positives of each set",
            HelpName = "N",
        };
        var command = new Command("oddness", "The adversarial-suffix signal against code, URLs, base64, scripts") { explain, fpr, worst };
        common.AddTo(command);
        command.SetAction(parseResult => OddnessCommand.Run(common.Read(parseResult), new OddnessOptions(
            parseResult.GetValue(explain),
            parseResult.GetValue(fpr),
            parseResult.GetValue(worst))));
        return command;
    }

    /// <summary>Rejects each value of a multi-valued option that <paramref name="valid"/> refuses: "--name VALUE: expected ...".</summary>
    private static void EachValue(Option<string[]> option, Func<string, bool> valid, string expected)
        => option.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!valid(value))
                {
                    result.AddError($"{option.Name} {value}: {expected}.");
                }
            }
        });

    private static Option<string> EncoderOption()
    {
        var encoder = new Option<string>("--encoder")
        {
            Description = "The sentence encoder package: MiniLM or ArcticXs",
            DefaultValueFactory = _ => "MiniLM",
        };
        // Any case, as EncoderAssets.FromPackage matches it.
        encoder.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, [.. EncoderAssets.KnownEncoders]);
        return encoder;
    }

    private static Option<int> HiddenOption() => new("--hidden")
    {
        Description = "The MLP head's hidden units",
        DefaultValueFactory = _ => 64,
    };

    private static Option<double> FprOption(string description) => new("--fpr")
    {
        Description = description,
        DefaultValueFactory = _ => 0.01,
    };

    private static Option<double> CorpusWeightOption() => new("--corpus-weight")
    {
        Description = "The generated side's weight per class relative to the shared side's",
        DefaultValueFactory = _ => SourceWeighting.DefaultCorpusWeight,
    };

    private static Option<string?> OutOption(string description) => new("--out")
    {
        Description = description,
        HelpName = "FILE",
    };
}
