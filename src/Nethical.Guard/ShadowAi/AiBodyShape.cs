using System.Text.Json;
using Nethical.Guard.Extraction;

namespace Nethical.Guard.ShadowAi;

/// <summary>
/// Reads the top level of a JSON body for a model request's shape. Member names match as the prompt walker's do
/// (<see cref="JsonFieldTable"/>: unescaped, case folded the way Go's <c>encoding/json</c> folds), because Go model
/// servers such as Ollama take <c>"MODEL"</c> for <c>model</c>: an exact match would let a client hide its traffic
/// behind a capital letter, and a looser one only finds more AI traffic.
/// </summary>
internal static class AiBodyShape
{
    /// <summary>The weight, in hundredths, of a body with a model request's shape.</summary>
    internal const int ShapeWeight = 60;

    /// <summary>Most body bytes the shape check reads.</summary>
    internal const int MaxScanBytes = 256 * 1024;

    private enum Property
    {
        Other,
        Model,
        Messages,
        Prompt,
        Contents,
        Input,
        Inputs,
        Parameters,
        Predict,
    }

    /// <summary>
    /// <see cref="ShapeWeight"/> for a JSON object whose top level has a <c>model</c> string with <c>messages</c>,
    /// <c>prompt</c>, <c>contents</c> or <c>input</c>; Gemini's <c>contents</c> array alone; TGI's <c>inputs</c> with
    /// <c>parameters</c>; or llama.cpp's <c>prompt</c> with <c>n_predict</c>; else 0. Reads at most
    /// <see cref="MaxScanBytes"/>; nested values are skipped, not read.
    /// </summary>
    internal static int Weight(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        body = body.TrimStart(" \t\r\n"u8);
        if (body.IsEmpty || body[0] != (byte)'{')
        {
            return 0;
        }

        var final = body.Length <= MaxScanBytes;
        var reader = new Utf8JsonReader(final ? body : body[..MaxScanBytes], isFinalBlock: final, state: default);
        Span<byte> unescaped = stackalloc byte[JsonFieldTable.MaxFoldedLength * 3];
        Span<byte> folded = stackalloc byte[JsonFieldTable.MaxFoldedLength];
        bool model = false, messages = false, prompt = false, contents = false, input = false, inputs = false, parameters = false, predict = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = Name(ref reader, unescaped, folded);
                if (!reader.Read())
                {
                    break;
                }

                var type = reader.TokenType;
                switch (name)
                {
                    case Property.Model:
                        model = type == JsonTokenType.String;
                        break;
                    case Property.Messages:
                        messages = type == JsonTokenType.StartArray;
                        break;
                    case Property.Prompt:
                        prompt = type is JsonTokenType.String or JsonTokenType.StartArray;
                        break;
                    case Property.Contents:
                        contents = type == JsonTokenType.StartArray;
                        break;
                    case Property.Input:
                        input = type is JsonTokenType.String or JsonTokenType.StartArray;
                        break;
                    case Property.Inputs:
                        inputs = type is JsonTokenType.String or JsonTokenType.StartArray or JsonTokenType.StartObject;
                        break;
                    case Property.Parameters:
                        parameters = type == JsonTokenType.StartObject;
                        break;
                    case Property.Predict:
                        predict = type == JsonTokenType.Number;
                        break;
                    default:
                        break;
                }

                if (type is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed past some point: judge by what was read before it.
        }

        return (model && (messages || prompt || contents || input)) || contents || (inputs && parameters) || (prompt && predict) ? ShapeWeight : 0;
    }

    /// <summary>
    /// The member name under the reader. The walker's table knows the prompt-bearing names; <c>model</c>,
    /// <c>inputs</c> and <c>n_predict</c> carry no prompt text, so the walker has no entry for them and they are
    /// compared here, after the same folding.
    /// </summary>
    private static Property Name(ref Utf8JsonReader reader, scoped Span<byte> unescaped, scoped Span<byte> folded)
    {
        int length;
        try
        {
            if (!JsonFieldTable.TryFoldCurrent(ref reader, unescaped, folded, out length))
            {
                return Property.Other;
            }
        }
        catch (InvalidOperationException)
        {
            // An escape that is not valid Unicode names nothing this reader looks for.
            return Property.Other;
        }

        var name = folded[..length];
        return JsonFieldTable.Match(name, out _) switch
        {
            JsonField.Messages => Property.Messages,
            JsonField.Prompt => Property.Prompt,
            JsonField.Contents => Property.Contents,
            JsonField.Input => Property.Input,
            JsonField.Parameters => Property.Parameters,
            _ when name.SequenceEqual("model"u8) => Property.Model,
            _ when name.SequenceEqual("inputs"u8) => Property.Inputs,
            _ when name.SequenceEqual("n_predict"u8) => Property.Predict,
            _ => Property.Other,
        };
    }
}
