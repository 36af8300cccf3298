using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Nethical.Guard.Benchmarks.ScreeningBenchmarks).Assembly).Run(args);
