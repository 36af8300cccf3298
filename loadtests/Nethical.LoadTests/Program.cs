using Nethical.LoadTests;

return await LoadTestCli.Build().Parse(args).InvokeAsync();
