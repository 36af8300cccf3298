namespace Nethical.Gateway.Hosting;

/// <summary>What each <c>UseX</c> checks first: that its <c>AddX</c> ran, said clearly when it did not.</summary>
internal static class ServiceChecks
{
    /// <summary>Throws when <typeparamref name="TMarker"/>, which <paramref name="addMethod"/> registers, is missing.</summary>
    public static void VerifyRegistered<TMarker>(IServiceProvider services, string addMethod)
        where TMarker : class
    {
        if (services.GetService(typeof(TMarker)) is null)
        {
            throw new InvalidOperationException(
                $"Unable to find the required services. Add them by calling 'services.{addMethod}()' in the application startup code.");
        }
    }
}
