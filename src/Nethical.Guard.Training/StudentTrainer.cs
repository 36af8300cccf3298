using Nethical.Guard.Screening;
using Nethical.Guard.Tier2;

namespace Nethical.Guard.Training;

/// <summary>
/// Distils the teacher into a <see cref="HashedNgramStudent"/>: logistic regression on hashed n-grams by AdaGrad-style
/// SGD, with target <c>alpha · sigmoid(teacherLogit / T) + (1 − alpha) · label</c> and an optional weight per text
/// (each row's gradient is scaled by it). Deterministic for a seed.
/// </summary>
internal static class StudentTrainer
{
    public static HashedNgramStudent Train(IReadOnlyList<string> texts, IReadOnlyList<double> targets, int buckets, int seed, int epochs = 8, float learningRate = 0.5f, float l2 = 1e-6f, IReadOnlyList<double>? weights = null)
    {
        if (weights is not null && weights.Count != texts.Count)
        {
            throw new ArgumentException("One weight per text.", nameof(weights));
        }
        var rowWeights = weights?.Select(w => (float)w).ToArray();
        var parameters = new float[buckets];
        var squared = new float[buckets];
        var probe = new HashedNgramStudent(parameters, 0);
        var features = texts.Select(t => Collect(probe, t)).ToArray();
        var bias = 0f;
        var biasSquared = 0f;
        var random = new Random(seed);
        var order = Enumerable.Range(0, texts.Count).ToArray();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var (ids, scale) = features[i];
                var logit = bias;
                foreach (var id in ids)
                {
                    logit += parameters[id] * scale;
                }
                var error = (ClassifierHead.Sigmoid(logit) - (float)targets[i]) * (rowWeights?[i] ?? 1f);
                biasSquared += error * error;
                bias -= learningRate * error / MathF.Sqrt(biasSquared + 1e-6f);
                foreach (var id in ids)
                {
                    var g = (error * scale) + (l2 * parameters[id]);
                    squared[id] += g * g;
                    parameters[id] -= learningRate * g / MathF.Sqrt(squared[id] + 1e-6f);
                }
            }
        }
        return new HashedNgramStudent(parameters, bias);
    }

    private static (int[] Ids, float Scale) Collect(HashedNgramStudent student, string text)
    {
        var list = student.Features(text, static (bucket, state) => state.Ids.Add(bucket), new Collector());
        return (list.Ids.ToArray(), list.Count == 0 ? 0 : 1 / MathF.Sqrt(list.Count));
    }

    private sealed class Collector : HashedNgramStudent.ICounted
    {
        public List<int> Ids { get; } = [];

        public int Count { get; set; }
    }
}
