using System.Buffers.Binary;
using Onnx;

namespace Nethical.Guard.Offline;

/// <summary>fp32 ONNX tensor values in and out of their little-endian raw bytes (the one reader and writer the offline tools share).</summary>
internal static class OnnxTensors
{
    /// <summary>The tensor's <paramref name="count"/> fp32 values from its raw bytes or its float field; null when it holds another count.</summary>
    public static float[]? ReadFloats(TensorProto tensor, long count)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.RawData.Length == count * sizeof(float))
        {
            var raw = tensor.RawData.Span;
            var values = new float[count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * sizeof(float)));
            }
            return values;
        }
        return tensor.RawData.IsEmpty && tensor.FloatData.Count == count ? [.. tensor.FloatData] : null;
    }

    /// <summary>fp32 values as ONNX raw data.</summary>
    public static byte[] FloatBytes(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }
        return bytes;
    }
}
