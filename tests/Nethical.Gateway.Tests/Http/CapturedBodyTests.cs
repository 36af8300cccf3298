using System.Text;
using Microsoft.AspNetCore.Http;
using Nethical.Gateway.Http;
using Nethical.Gateway.Tests.Infrastructure;

namespace Nethical.Gateway.Tests.Http;

public sealed class CapturedBodyTests
{
    private static readonly byte[] s_json = Encoding.UTF8.GetBytes("""{"prompt":"hello world, hello world, hello world"}""");

    private static HttpRequest Request(byte[] body, string? encoding = null, string contentType = "application/json", bool sendLength = true)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentType = contentType;
        if (sendLength)
        {
            context.Request.ContentLength = body.Length;
        }

        if (encoding is not null)
        {
            context.Request.Headers.ContentEncoding = encoding;
        }

        return context.Request;
    }

    private static BodyLimits Options(long max = 1024, long maxDecoded = 4096) => new(max, maxDecoded, TimeSpan.FromSeconds(30));

    [Theory]
    [InlineData("gzip")]
    [InlineData("x-gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    [InlineData("raw-deflate")]
    [InlineData("identity")]
    public async Task CaptureAsync_KnownEncoding_DecodesContentAndKeepsRawBytes(string coding)
    {
        var compressed = ContentCoding.Compress(coding, s_json);
        var header = coding == "raw-deflate" ? "deflate" : coding;

        using var body = await CapturedBody.CaptureAsync(Request(compressed, header), Options(), CancellationToken.None);

        Assert.Equal(CaptureFailure.None, body.Failure);
        Assert.Equal(s_json, body.Content.ToArray());
        Assert.Equal(compressed, body.Raw.ToArray());
        using var replay = new MemoryStream();
        await body.CreateReplayStream().CopyToAsync(replay, TestContext.Current.CancellationToken);
        Assert.Equal(compressed, replay.ToArray());
    }

    [Fact]
    public async Task CaptureAsync_StackedEncodings_RemovedInReverseOrder()
    {
        var twice = ContentCoding.Compress("br", ContentCoding.Compress("gzip", s_json));

        using var body = await CapturedBody.CaptureAsync(Request(twice, "gzip, br"), Options(), CancellationToken.None);

        Assert.Equal(CaptureFailure.None, body.Failure);
        Assert.Equal(s_json, body.Content.ToArray());
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("gzip, compress")]
    public async Task CaptureAsync_UnknownEncoding_Fails(string coding)
    {
        using var body = await CapturedBody.CaptureAsync(Request(s_json, coding), Options(), CancellationToken.None);

        Assert.Equal(CaptureFailure.UnsupportedEncoding, body.Failure);
    }

    [Theory]
    [InlineData(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff })]
    [InlineData(new byte[] { 0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5 })]
    [InlineData(new byte[] { (byte)'{', (byte)'}' })]
    public async Task CaptureAsync_CorruptGzip_FailsCorrupt(byte[] data)
    {
        using var body = await CapturedBody.CaptureAsync(Request(data, "gzip"), Options(), CancellationToken.None);

        Assert.Equal(CaptureFailure.CorruptEncoding, body.Failure);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CaptureAsync_OverLimit_FailsTooLarge(bool sendLength)
    {
        using var body = await CapturedBody.CaptureAsync(Request(new byte[2048], contentType: "application/json", sendLength: sendLength), Options(max: 1024), CancellationToken.None);

        Assert.Equal(CaptureFailure.TooLarge, body.Failure);
    }

    [Fact]
    public async Task CaptureAsync_ExactlyAtLimit_Succeeds()
    {
        using var body = await CapturedBody.CaptureAsync(Request(new byte[1024], sendLength: false), Options(max: 1024), CancellationToken.None);

        Assert.Equal(CaptureFailure.None, body.Failure);
        Assert.Equal(1024, body.Raw.Length);
    }

    [Fact]
    public async Task CaptureAsync_DecodesPastCap_FailsDecodedTooLarge()
    {
        var bomb = ContentCoding.Compress("gzip", new byte[1024 * 1024]);

        using var body = await CapturedBody.CaptureAsync(Request(bomb, "gzip"), Options(max: 64 * 1024, maxDecoded: 64 * 1024), CancellationToken.None);

        Assert.Equal(CaptureFailure.DecodedTooLarge, body.Failure);
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("Application/JSON; charset=UTF8", true)]
    [InlineData("application/vnd.api+json", true)]
    [InlineData("text/json", true)]
    [InlineData("application/json; charset=utf-16", false)]
    [InlineData("application/json; charset=iso-8859-1", false)]
    [InlineData("text/plain", false)]
    [InlineData("multipart/form-data; boundary=x", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsJson_ContentType_Classified(string? contentType, bool expected)
        => Assert.Equal(expected, CapturedBody.IsJson(contentType));
}
