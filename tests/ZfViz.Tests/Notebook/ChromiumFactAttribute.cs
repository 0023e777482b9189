using ZfViz.Notebook;

namespace ZfViz.Tests.Notebook;

/// <summary>A fact that needs headless Chromium: skipped, saying how to install it, only when there is none.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (ChartImageRenderer.FindBrowser() is null)
            Skip = ChartImageRenderer.MissingBrowserMessage + " -- ./setup.sh installs it as root; CI runs this test";
    }
}
