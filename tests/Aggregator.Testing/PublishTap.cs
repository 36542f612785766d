using MassTransit;

namespace Aggregator.Testing;

/// <summary>Hands every message a bus published (after the transport took it) to <paramref name="published"/>.</summary>
public sealed class PublishTap(Action<object> published) : IPublishObserver
{
    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context) where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        published(context.Message);
        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
