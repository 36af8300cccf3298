using Nethical.Gateway.Hosting;

var app = GatewayApplication.Build(GatewayApplication.CreateBuilder(args));
await app.RunAsync().ConfigureAwait(false);
