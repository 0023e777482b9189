using ZfViz.Runtime;

namespace ZfViz.Tests.Runtime;

public class ProfileTests
{
    static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void TheVariableIsHonoured()
    {
        Assert.Same(Profile.Paper, Profile.FromEnvironment(Env(("ZFVIZ_PROFILE", "paper"))));
        Assert.Same(Profile.Quick, Profile.FromEnvironment(Env(("ZFVIZ_PROFILE", " QUICK "))));
        Assert.Same(Profile.Course, Profile.FromEnvironment(Env(("ZFVIZ_PROFILE", "course"), ("CI", "true"))));
    }

    [Fact]
    public void DefaultIsQuickUnderCiAndCourseOtherwise()
    {
        Assert.Same(Profile.Quick, Profile.FromEnvironment(Env(("CI", "true"))));
        Assert.Same(Profile.Course, Profile.FromEnvironment(Env()));
    }

    [Fact]
    public void UnknownNamesListTheValidOnes()
    {
        var e = Assert.Throws<UserInputException>(() => Profile.FromEnvironment(Env(("ZFVIZ_PROFILE", "fast"))));
        Assert.Equal("Unknown profile 'fast'. Choose one of: quick, course, paper, paper-smoke (set ZFVIZ_PROFILE).", e.Message);
    }

    [Fact]
    public void ProfilesGrowFromQuickToPaper()
    {
        Assert.True(Profile.Quick.TrainImages < Profile.Course.TrainImages);
        Assert.Null(Profile.Paper.TrainImages);
        Assert.True(Profile.Quick.Epochs <= Profile.Course.Epochs && Profile.Course.Epochs <= Profile.Paper.Epochs);
    }

    [Fact]
    public void PickReturnsTheValueOfEachProfile()
    {
        Assert.Equal(500, Profile.Quick.Pick(quick: 500, course: 10_000, paper: 50_000));
        Assert.Equal(10_000, Profile.Course.Pick(quick: 500, course: 10_000, paper: 50_000));
        Assert.Equal("zfnet", Profile.Paper.Pick(quick: "zfnet-cifar", course: "zfnet-cifar", paper: "zfnet"));
        Assert.All([Profile.Quick, Profile.Course, Profile.Paper], p => Assert.Equal(p.Name, p.Pick("quick", "course", "paper")));
        // The smoke run of the paper path takes quick's sizes; its networks come from PaperScale.
        Assert.Equal("quick", Profile.PaperSmoke.Pick("quick", "course", "paper"));
        Assert.True(Profile.PaperSmoke.PaperScale && Profile.Paper.PaperScale && !Profile.Course.PaperScale && !Profile.Quick.PaperScale);
        Assert.Same(Profile.PaperSmoke, Profile.FromEnvironment(Env(("ZFVIZ_PROFILE", "paper-smoke"))));
    }
}
