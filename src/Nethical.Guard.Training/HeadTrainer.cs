using Nethical.Guard.Tier2;

namespace Nethical.Guard.Training;

/// <summary>
/// Trains a head over fixed embeddings: logistic regression, or a one-hidden-layer MLP, by Adam on the class-balanced
/// log loss with L2. Deterministic for a seed (single-threaded, seeded initialisation and shuffling).
/// </summary>
internal static class HeadTrainer
{
    public static ClassifierHead TrainLogistic(IReadOnlyList<float[]> x, IReadOnlyList<int> y, int seed, int epochs = 300, float l2 = 1e-4f, IReadOnlyList<float>? weights = null)
        => Train(x, y, hidden: 0, seed, epochs, l2, learningRate: 0.01f, batchSize: 128, weights);

    public static ClassifierHead TrainMlp(IReadOnlyList<float[]> x, IReadOnlyList<int> y, int hidden, int seed, int epochs = 120, float l2 = 1e-4f, IReadOnlyList<float>? weights = null)
        => Train(x, y, hidden, seed, epochs, l2, learningRate: 0.002f, batchSize: 64, weights);

    /// <summary>
    /// Sample weights that give every (group, label) cell the same total weight, so a large file cannot drown a small
    /// one (or one class the other). Mean weight 1.
    /// </summary>
    public static float[] BalancedWeights(IReadOnlyList<string> groups, IReadOnlyList<int> y)
    {
        var counts = new Dictionary<(string, int), int>();
        for (var i = 0; i < y.Count; i++)
        {
            counts[(groups[i], y[i])] = counts.GetValueOrDefault((groups[i], y[i])) + 1;
        }
        var weights = new float[y.Count];
        for (var i = 0; i < y.Count; i++)
        {
            weights[i] = (float)y.Count / (counts.Count * counts[(groups[i], y[i])]);
        }
        return weights;
    }

    private static ClassifierHead Train(IReadOnlyList<float[]> x, IReadOnlyList<int> y, int hidden, int seed, int epochs, float l2, float learningRate, int batchSize, IReadOnlyList<float>? weights)
    {
        var inputs = x[0].Length;
        var random = new Random(seed);
        var positives = y.Count(v => v == 1);
        var negatives = y.Count - positives;
        var weightPositive = y.Count / (2f * Math.Max(1, positives));
        var weightNegative = y.Count / (2f * Math.Max(1, negatives));

        // Parameters: optional hidden layer (W1 [hidden, inputs], b1), output layer (W2 [1, width], b2).
        var width = hidden == 0 ? inputs : hidden;
        var w1 = hidden == 0 ? [] : Init(random, hidden * inputs, MathF.Sqrt(2f / inputs));
        var b1 = new float[hidden];
        var w2 = hidden == 0 ? new float[inputs] : Init(random, width, MathF.Sqrt(1f / width));
        var b2 = new float[1];
        var parameters = hidden == 0 ? new[] { w2, b2 } : new[] { w1, b1, w2, b2 };
        var adam = parameters.Select(p => new Adam(p.Length)).ToArray();
        var gradients = parameters.Select(p => new float[p.Length]).ToArray();

        var order = Enumerable.Range(0, x.Count).ToArray();
        var activation = new float[width];
        var step = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            for (var start = 0; start < order.Length; start += batchSize)
            {
                foreach (var g in gradients)
                {
                    Array.Clear(g);
                }
                var end = Math.Min(order.Length, start + batchSize);
                for (var k = start; k < end; k++)
                {
                    var i = order[k];
                    var input = x[i];
                    if (hidden == 0)
                    {
                        input.CopyTo(activation, 0);
                    }
                    else
                    {
                        for (var h = 0; h < hidden; h++)
                        {
                            var sum = b1[h];
                            var row = w1.AsSpan(h * inputs, inputs);
                            for (var d = 0; d < inputs; d++)
                            {
                                sum += row[d] * input[d];
                            }
                            activation[h] = Math.Max(0, sum);
                        }
                    }
                    var logit = b2[0];
                    for (var d = 0; d < width; d++)
                    {
                        logit += w2[d] * activation[d];
                    }
                    var error = (ClassifierHead.Sigmoid(logit) - y[i]) * (weights?[i] ?? (y[i] == 1 ? weightPositive : weightNegative));

                    var gw2 = gradients[hidden == 0 ? 0 : 2];
                    var gb2 = gradients[hidden == 0 ? 1 : 3];
                    gb2[0] += error;
                    for (var d = 0; d < width; d++)
                    {
                        gw2[d] += error * activation[d];
                    }
                    if (hidden > 0)
                    {
                        var gw1 = gradients[0];
                        var gb1 = gradients[1];
                        for (var h = 0; h < hidden; h++)
                        {
                            if (activation[h] <= 0)
                            {
                                continue;
                            }
                            var back = error * w2[h];
                            gb1[h] += back;
                            var row = gw1.AsSpan(h * inputs, inputs);
                            for (var d = 0; d < inputs; d++)
                            {
                                row[d] += back * input[d];
                            }
                        }
                    }
                }

                step++;
                var scale = 1f / (end - start);
                for (var p = 0; p < parameters.Length; p++)
                {
                    var isBias = parameters[p] == b1 || parameters[p] == b2;
                    adam[p].Step(parameters[p], gradients[p], scale, isBias ? 0 : l2, learningRate, step);
                }
            }
        }

        return hidden == 0
            ? new ClassifierHead([new DenseLayer(inputs, 1, w2, b2)])
            : new ClassifierHead([new DenseLayer(inputs, hidden, w1, b1), new DenseLayer(hidden, 1, w2, b2)]);
    }

    private static float[] Init(Random random, int count, float scale)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Box–Muller normal.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)) * scale;
        }
        return values;
    }

    internal sealed class Adam(int size)
    {
        private readonly float[] _m = new float[size];
        private readonly float[] _v = new float[size];

        public void Step(float[] parameters, float[] gradient, float scale, float l2, float learningRate, int t)
        {
            const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;
            var correction1 = 1 - MathF.Pow(Beta1, t);
            var correction2 = 1 - MathF.Pow(Beta2, t);
            for (var i = 0; i < parameters.Length; i++)
            {
                var g = (gradient[i] * scale) + (l2 * parameters[i]);
                _m[i] = (Beta1 * _m[i]) + ((1 - Beta1) * g);
                _v[i] = (Beta2 * _v[i]) + ((1 - Beta2) * g * g);
                parameters[i] -= learningRate * (_m[i] / correction1) / (MathF.Sqrt(_v[i] / correction2) + Epsilon);
            }
        }
    }
}
