namespace DoseEscalation.Tests.Cluster;

/// <summary>docs/cluster.md shows the scripts CI runs, not copies that could drift.</summary>
public class ClusterDocsTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DoseEscalation.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [Theory]
    [InlineData("deploy/slurm/sweep-array.sbatch")]
    [InlineData("deploy/slurm/run-sweep.sh")]
    [InlineData("deploy/kubernetes/sweep-job.yaml")]
    [InlineData("deploy/docker/Dockerfile")]
    public void The_cluster_guide_shows_each_deploy_file_verbatim(string file)
    {
        string root = Root();
        string doc = File.ReadAllText(Path.Combine(root, "docs/cluster.md"));
        Assert.Contains(File.ReadAllText(Path.Combine(root, file)), doc);
    }

    [Fact]
    public void CI_runs_the_guide_s_scripts_and_grid()
    {
        string ci = File.ReadAllText(Path.Combine(Root(), ".ci/run"));
        Assert.Contains("deploy/slurm/cluster-up.sh", ci);
        Assert.Contains("deploy/slurm/run-sweep.sh deploy/slurm/ci-grid.yaml", ci);
        Assert.Contains("cmp ", ci);
        // The CI grid is a valid grid.
        var grid = DoseEscalation.Sweeps.SweepGrid.Parse(File.ReadAllText(Path.Combine(Root(), "deploy/slurm/ci-grid.yaml")), "ci-grid.yaml");
        Assert.Equal(80, DoseEscalation.Sweeps.Sweep.Cells(grid).Count);
    }
}
