package swamp.master;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layers of docs/architecture.md, as rules the build checks: from the edge down, an arrow
 * only ever points down, and no package depends on another that depends on it.
 */
@AnalyzeClasses(packages = "swamp", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

  @ArchTest
  static final ArchRule layersPointDown = layeredArchitecture()
      .consideringOnlyDependenciesInLayers()
      .layer("edge").definedBy("swamp.master.cli..", "swamp.master.bench..")
      .layer("master").definedBy("swamp.master")
      .layer("api").definedBy("swamp.master.api..")
      .layer("pool").definedBy("swamp.master.pool..")
      .layer("dispatch").definedBy("swamp.master.dispatch..")
      .layer("membership").definedBy("swamp.master.membership..")
      .layer("script").definedBy("swamp.master.script..")
      .layer("worker").definedBy("swamp.worker..")
      .layer("node").definedBy("swamp.node..")
      .layer("protocol").definedBy("swamp.protocol..")
      .layer("client").definedBy("swamp.client..")
      .whereLayer("edge").mayNotBeAccessedByAnyLayer()
      .whereLayer("master").mayOnlyBeAccessedByLayers("edge")
      .whereLayer("api").mayOnlyBeAccessedByLayers("master", "edge")
      .whereLayer("pool").mayOnlyBeAccessedByLayers("api", "master", "edge")
      .whereLayer("dispatch").mayOnlyBeAccessedByLayers("pool", "api", "master", "edge")
      .whereLayer("membership")
      .mayOnlyBeAccessedByLayers("dispatch", "pool", "api", "master", "edge")
      .whereLayer("script").mayOnlyBeAccessedByLayers("edge")
      // worker-node on the master side: the embedded local-exec worker, and bin/swamp's help
      // and the API's check of a job's argv against what a worker refuses (env NAME=VALUE)
      .whereLayer("worker").mayOnlyBeAccessedByLayers("master", "api", "edge")
      .whereLayer("node").mayOnlyBeAccessedByLayers(
          "worker", "master", "api", "pool", "membership", "dispatch", "edge")
      // the client's own module: bin/swamp run shares its HTTP client, the API its durations
      .whereLayer("client").mayOnlyBeAccessedByLayers("api", "edge");

  @ArchTest
  static final ArchRule noPackageLoops = slices().matching("swamp.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule theWireDependsOnNothingOfSwamps = noClasses()
      .that().resideInAPackage("swamp.protocol..")
      .should().dependOnClassesThat()
      .resideInAnyPackage("swamp.master..", "swamp.worker..", "swamp.node..");

  /** The client commands start on a class path of their own: nothing of the rest may come in. */
  @ArchTest
  static final ArchRule theClientDependsOnNothingOfSwamps = noClasses()
      .that().resideInAPackage("swamp.client..")
      .should().dependOnClassesThat()
      .resideInAnyPackage("swamp.master..", "swamp.worker..", "swamp.node..", "swamp.protocol..");

  @ArchTest
  static final ArchRule scriptsArePlannedWithoutThePool = noClasses()
      .that().resideInAPackage("swamp.master.script..")
      .should().dependOnClassesThat()
      .resideInAnyPackage("swamp.master", "swamp.master.api..", "swamp.master.dispatch..",
          "swamp.master.membership..", "swamp.master.pool..", "swamp.worker..");
}
