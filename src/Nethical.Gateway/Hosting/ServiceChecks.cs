namespace Nethical.Gateway.Hosting;

/// <summary>
/// How each <c>AddX</c> runs once (a second call, or one from another feature's <c>AddX</c>, adds nothing: options
/// bindings, validators and hosted services are not <c>TryAdd</c>), and what each <c>UseX</c> checks first: that its
/// <c>AddX</c> ran, said clearly when it did not.
/// </summary>
internal static class ServiceChecks
{
    /// <summary>
    /// Adds <typeparamref name="TService"/> as a singleton and returns true; returns false, adding nothing, when it is
    /// registered already, so its <c>AddX</c> stops there.
    /// </summary>
    public static bool TryAddOnce<TService>(IServiceCollection services)
        where TService : class
    {
        if (services.Any(static d => d.ServiceType == typeof(TService)))
        {
            return false;
        }
        services.AddSingleton<TService>();
        return true;
    }

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
