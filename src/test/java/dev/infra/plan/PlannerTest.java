package dev.infra.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.inventory.Host;
import dev.infra.inventory.Role;
import dev.infra.inventory.SshTarget;
import dev.infra.observe.ObservedContainer;
import dev.infra.observe.ObservedHost;
import dev.infra.inventory.Release;
import dev.infra.release.Checkout;
import dev.infra.render.ComposeProject;
import dev.infra.render.DesiredRelease;
import dev.infra.render.DesiredFile;
import dev.infra.render.Duties;
import dev.infra.render.HostState;
import dev.infra.render.ManagedEnv;
import dev.infra.secrets.SecretValues;
import dev.infra.testing.Schemas;
import dev.infra.view.PlanJson;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planner is pure: every case is desired + observed in, plan out, no lab needed. */
class PlannerTest {
    static final String COMPOSE = "~/ami-platform/docker-compose.worker.yml";
    static final String ENV = "~/ami-platform/.envs/.production/.django";
    static final String NATS_COMPOSE = "~/nats/docker-compose.yml";
    static final String NATS_CONF = "~/nats/nats.conf";
    static final String CONF = "max_connections: 2048\njetstream {\n  max_file_store: 1073741824\n}\n";

    static final Host WORKER = new Host("w1", Optional.of("10.0.0.7"), Optional.of("10.0.0.7"), List.of(Role.WORKER),
            Optional.of("bastion"), new SshTarget(Optional.empty(), Optional.of("root"), 22, Optional.empty(), "kh", "cfg", Duration.ofSeconds(5)));
    static final Host NATS = new Host("n1", Optional.of("10.0.0.5"), Optional.of("10.0.0.5"), List.of(Role.NATS),
            Optional.of("bastion"), WORKER.ssh());

    static final String IMAGE = "insectai/ami_backend:1";
    static final Duties NO_DUTIES = new Duties(false, Optional.empty(), List.of(), List.of(), List.of(), List.of(), false, Optional.empty());

    static HostState worker(String composeText, Map<String, String> managed) {
        ComposeProject p = new ComposeProject("ami-platform", "~/ami-platform", "docker-compose.worker.yml",
                List.of(new ComposeProject.Service("celeryworker", 1, IMAGE), new ComposeProject.Service("django", 0, IMAGE),
                        new ComposeProject.Service("celeryworker_ml", 2, IMAGE)), List.of(ENV), List.of(), false, managed);
        return new HostState(WORKER, List.of(new DesiredFile(COMPOSE, composeText, "t")),
                List.of(new ManagedEnv(ENV, new LinkedHashMap<>(managed), "")), List.of(p), NO_DUTIES);
    }

    static HostState nats() {
        ComposeProject p = new ComposeProject("nats", "~/nats", "docker-compose.yml",
                List.of(new ComposeProject.Service("nats", 1, "nats:2.10-alpine")), List.of(), List.of(NATS_CONF), true, Map.of());
        return new HostState(NATS, List.of(new DesiredFile(NATS_COMPOSE, "compose\n", "t"), new DesiredFile(NATS_CONF, CONF, "t")),
                List.of(), List.of(p), NO_DUTIES);
    }

    static ObservedContainer container(String project, String service, int n, String state, Map<String, String> env) {
        return new ObservedContainer(project, service, project + "_" + service + "_" + n, state, "", 0, env);
    }

    static List<ObservedContainer> healthyWorkers(Map<String, String> env) {
        return List.of(container("ami-platform", "celeryworker", 1, "running", env),
                container("ami-platform", "celeryworker_ml", 1, "running", env),
                container("ami-platform", "celeryworker_ml", 2, "running", env));
    }

    static ObservedHost observed(Map<String, String> files, List<ObservedContainer> containers, Set<String> pending) {
        Map<String, Optional<String>> f = new LinkedHashMap<>();
        files.forEach((k, v) -> f.put(k, Optional.ofNullable(v)));
        return new ObservedHost("w1", f, "v1", containers, pending);
    }

    static Plan.HostPlan plan(HostState desired, ObservedHost observed) {
        return Planner.plan(desired, observed, SecretValues.none(), "via bastion");
    }

    static final Map<String, String> URL = Map.of("NATS_URL", "nats://nats:4222");

    @Test
    void aConvergedHostHasNoChanges() {
        Plan.HostPlan p = plan(worker("c\n", URL), observed(Map.of(COMPOSE, "c\n", ENV, "A=1\nNATS_URL=nats://nats:4222\n"),
                healthyWorkers(Map.of("NATS_URL", "nats://nats:4222", "A", "1")), Set.of()));
        assertThat(p.hasChanges()).isFalse();
    }

    @Test
    void job2226MissingNatsUrlIsAnEnvAdditionAndARecreateOfEveryRunningService() {
        Plan.HostPlan p = plan(worker("c\n", URL), observed(Map.of(COMPOSE, "c\n", ENV, "A=1\n"), healthyWorkers(Map.of("A", "1")), Set.of()));
        assertThat(p.files()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo(ENV);
            assertThat(f.env()).containsExactly(new Plan.EnvChange("NATS_URL", Action.CREATE, Optional.empty(), "nats://nats:4222", false));
        });
        assertThat(p.services()).extracting(Plan.ServiceChange::service, Plan.ServiceChange::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("celeryworker", Action.REPLACE),
                        org.assertj.core.groups.Tuple.tuple("celeryworker_ml", Action.REPLACE));
        assertThat(p.services().get(0).reason()).isEqualTo(Reason.ENV_CHANGED);
        assertThat(p.services().get(0).detail()).isEqualTo("NATS_URL changed in the env file");
    }

    @Test
    void aScaleZeroServiceIsNeverStarted() {
        Plan.HostPlan p = plan(worker("c\n", URL), observed(Map.of(COMPOSE, "c\n", ENV, "NATS_URL=nats://nats:4222\n"), List.of(), Set.of()));
        assertThat(p.services()).extracting(Plan.ServiceChange::service).containsExactly("celeryworker", "celeryworker_ml")
                .doesNotContain("django");
        assertThat(p.services()).allSatisfy(s -> assertThat(s.action()).isEqualTo(Action.CREATE));
    }

    @Test
    void aChangedValueIsAnUpdateShowingBeforeAndAfter() {
        Plan.HostPlan p = plan(worker("c\n", URL), observed(Map.of(COMPOSE, "c\n", ENV, "NATS_URL=nats://localhost:4222\n"),
                healthyWorkers(Map.of("NATS_URL", "nats://localhost:4222")), Set.of()));
        assertThat(p.files().get(0).env()).containsExactly(
                new Plan.EnvChange("NATS_URL", Action.UPDATE, Optional.of("nats://localhost:4222"), "nats://nats:4222", false));
    }

    @Test
    void aContainerRunningWithAnOldEnvironmentIsRecreatedEvenWhenTheFileIsRight() {
        Plan.HostPlan p = plan(worker("c\n", URL), observed(Map.of(COMPOSE, "c\n", ENV, "NATS_URL=nats://nats:4222\n"),
                healthyWorkers(Map.of()), Set.of()));
        assertThat(p.files()).isEmpty();
        assertThat(p.services()).hasSize(2).allSatisfy(s -> {
            assertThat(s.action()).isEqualTo(Action.REPLACE);
            assertThat(s.reason()).isEqualTo(Reason.STALE_ENVIRONMENT);
            assertThat(s.detail()).startsWith("running with an old environment: NATS_URL missing in ami-platform_");
        });
    }

    @Test
    void aComposeChangeIsAnUpdateWithAUnifiedDiffAndRecreates() {
        Plan.HostPlan p = plan(worker("a\nb\nc\n", URL), observed(Map.of(COMPOSE, "a\nB\nc\n", ENV, "NATS_URL=nats://nats:4222\n"),
                healthyWorkers(URL), Set.of()));
        assertThat(p.files()).singleElement().satisfies(f -> {
            assertThat(f.action()).isEqualTo(Action.UPDATE);
            assertThat(f.diff()).contains("--- " + COMPOSE, "+++ " + COMPOSE, "@@ -1,3 +1,3 @@", "-B\n", "+b\n", " a\n");
        });
        assertThat(p.services()).allSatisfy(s -> {
            assertThat(s.reason()).isEqualTo(Reason.COMPOSE_CHANGED);
            assertThat(s.detail()).isEqualTo("compose file changed");
        });
    }

    @Test
    void aMissingFileIsACreateDiffedAgainstDevNull() {
        Plan.HostPlan p = plan(worker("a\n", URL), observed(Map.of(ENV, "NATS_URL=nats://nats:4222\n"), healthyWorkers(URL), Set.of()));
        assertThat(p.files().get(0).action()).isEqualTo(Action.CREATE);
        assertThat(p.files().get(0).diff()).contains("--- /dev/null").contains("+a");
    }

    @Test
    void aStoppedContainerIsStarted() {
        List<ObservedContainer> c = List.of(container("ami-platform", "celeryworker", 1, "exited", URL),
                container("ami-platform", "celeryworker_ml", 1, "running", URL), container("ami-platform", "celeryworker_ml", 2, "running", URL));
        Plan.HostPlan p = plan(worker("c\n", URL), observed(Map.of(COMPOSE, "c\n", ENV, "NATS_URL=nats://nats:4222\n"), c, Set.of()));
        assertThat(p.services()).singleElement().satisfies(s -> {
            assertThat(s.action()).isEqualTo(Action.START);
            assertThat(s.reason()).isEqualTo(Reason.TOO_FEW_RUNNING);
            assertThat(s.detail()).isEqualTo("0 of 1 running");
        });
    }

    @Test
    void aRestartLeftDueByAnInterruptedApplyIsDone() {
        Plan.HostPlan p = plan(worker("c\n", URL), observed(Map.of(COMPOSE, "c\n", ENV, "NATS_URL=nats://nats:4222\n"),
                healthyWorkers(URL), Set.of("ami-platform/celeryworker")));
        assertThat(p.services()).singleElement().satisfies(s -> {
            assertThat(s.reason()).isEqualTo(Reason.PENDING_RESTART);
            assertThat(s.detail()).contains("interrupted apply");
        });
    }

    @Test
    void aNatsConfOnlyChangeIsAReloadNotARestart() {
        ObservedHost o = new ObservedHost("n1", Map.of(NATS_COMPOSE, Optional.of("compose\n"), NATS_CONF, Optional.of(CONF.replace("2048", "1024"))), "v1",
                List.of(container("nats", "nats", 1, "running", Map.of())), Set.of());
        Plan.HostPlan p = plan(nats(), o);
        assertThat(p.services()).singleElement().satisfies(s -> {
            assertThat(s.action()).isEqualTo(Action.RELOAD);
            assertThat(s.reason()).isEqualTo(Reason.CONF_ONLY_RELOAD);
        });
    }

    @Test
    void aNatsConfChangeNatsServerCannotReloadIsARestartNamingTheSetting() {
        ObservedHost o = new ObservedHost("n1", Map.of(NATS_COMPOSE, Optional.of("compose\n"),
                NATS_CONF, Optional.of(CONF.replace("1073741824", "536870912"))), "v1",
                List.of(container("nats", "nats", 1, "running", Map.of())), Set.of());
        assertThat(plan(nats(), o).services()).singleElement().satisfies(s -> {
            assertThat(s.action()).isEqualTo(Action.REPLACE);
            assertThat(s.reason()).isEqualTo(Reason.CONF_NEEDS_RESTART);
            assertThat(s.detail()).isEqualTo("nats.conf changes jetstream.max_file_store, which nats-server cannot reload: restart");
        });
    }

    @Test
    void aNatsComposeChangeRecreatesNats() {
        ObservedHost o = new ObservedHost("n1", Map.of(NATS_COMPOSE, Optional.of("old\n"), NATS_CONF, Optional.of(CONF)), "v1",
                List.of(container("nats", "nats", 1, "running", Map.of())), Set.of());
        assertThat(plan(nats(), o).services()).singleElement().satisfies(s -> assertThat(s.action()).isEqualTo(Action.REPLACE));
    }

    @Test
    void secretsAreComparedRevealedAndShownMasked() {
        SecretValues secrets = new SecretValues(Map.of("${env:NATS_PASSWORD}", "hunter22"));
        HostState desired = worker("password: ${env:NATS_PASSWORD}\n", Map.of("NATS_URL", "nats://app:${env:NATS_PASSWORD}@nats:4222"));
        ObservedHost same = observed(Map.of(COMPOSE, "password: hunter22\n", ENV, "NATS_URL=nats://app:hunter22@nats:4222\n"),
                healthyWorkers(Map.of("NATS_URL", "nats://app:hunter22@nats:4222")), Set.of());
        assertThat(Planner.plan(desired, same, secrets, "").hasChanges()).isFalse();

        ObservedHost old = observed(Map.of(COMPOSE, "password: oldpass1\n", ENV, "NATS_URL=nats://app:oldpass1@nats:4222\n"),
                healthyWorkers(Map.of()), Set.of());
        Plan.HostPlan p = Planner.plan(desired, old, secrets, "");
        String shown = PlanJson.write(new Plan("1.0", "i", "t", List.of(p), Map.of()), Map.of());
        // Neither today's value nor the rotated-away one on the host (which masking cannot know) is shown.
        assertThat(shown).doesNotContain("hunter22").doesNotContain("oldpass1").contains("-password: (sensitive)")
                .contains("+password: (sensitive)");
    }

    @Test
    void theSummaryCountsWhatATerraformUserExpects() {
        Plan.HostPlan p = plan(worker("c\n", URL), observed(Map.of(COMPOSE, "c\n", ENV, "A=1\n"), healthyWorkers(Map.of()), Set.of()));
        Plan plan = new Plan("1.0", "i", "t", List.of(p), Map.of());
        assertThat(plan.summary()).isEqualTo(new Plan.Summary(1, 2, 0));
    }

    @Test
    void planJsonRoundTrips() throws Exception {
        Plan.HostPlan p = plan(worker("a\n", URL), observed(Map.of(ENV, "A=1\n"), healthyWorkers(Map.of()), Set.of()));
        Plan plan = new Plan("1.0", "inventory/lab.yml", "2026-01-01T00:00:00Z", List.of(p), Map.of("w1", "abc"));
        SavedPlan back = PlanJson.readSaved(PlanJson.write(plan, Map.of("limit", "worker", "desired_sha256", "d1")));
        assertThat(back.plan()).isEqualTo(plan);
        assertThat(back.limit()).isEqualTo("worker");
        assertThat(PlanJson.write(plan, Map.of())).contains("\"reason\" : \"compose_changed\"", "\"detail\" : \"compose file changed\"");
        assertThat(Schemas.problems("plan", PlanJson.write(plan, Map.of("limit", "worker", "desired_salt", "s", "desired_sha256", "d1"))))
                .isEmpty();
        assertThat(Schemas.problems("plan", PlanJson.write(plan, Map.of("kind", "drift")))).isEmpty();
    }

    @Test
    void aComposeChangeOfTheImageSaysSo() {
        List<ObservedContainer> old = healthyWorkers(URL).stream().map(c -> new ObservedContainer(c.project(), c.service(), c.name(),
                c.state(), c.health(), 0, c.env(), List.of(), "insectai/ami_backend:0", "")).toList();
        Plan.HostPlan p = plan(worker("image: 1\n", URL), observed(Map.of(COMPOSE, "image: 0\n", ENV, "NATS_URL=nats://nats:4222\n"),
                old, Set.of()));
        assertThat(p.services()).hasSize(2).allSatisfy(s -> {
            assertThat(s.reason()).isEqualTo(Reason.IMAGE_CHANGED);
            assertThat(s.detail()).isEqualTo("compose file changed: image insectai/ami_backend:0 -> insectai/ami_backend:1");
        });
    }

    @Test
    void anAppOwnedProjectWhoseOwnFileChangedIsANoteNotAChange() {
        ComposeProject app = new ComposeProject("ami-platform", "~/ami-platform", "docker-compose.worker.yml",
                List.of(new ComposeProject.Service("celeryworker", 1, IMAGE)), List.of(ENV), List.of(), false, URL, List.of(), true,
                Optional.of(".envs/.production/.compose"));
        HostState desired = new HostState(WORKER, List.of(), List.of(new ManagedEnv(ENV, new LinkedHashMap<>(URL), "")), List.of(app),
                NO_DUTIES);
        ObservedContainer running = new ObservedContainer("ami-platform", "celeryworker", "ami-platform_celeryworker_1", "running", "",
                0, URL, List.of(), IMAGE, "hash-then");
        ObservedHost pulled = new ObservedHost("w1", Map.of(ENV, Optional.of("NATS_URL=nats://nats:4222\n")), "v1", List.of(running),
                Set.of(), List.of(), Map.of("ami-platform", Map.of("celeryworker", "hash-now")));
        Plan.HostPlan p = Planner.plan(desired, pulled, SecretValues.none(), "");
        assertThat(p.hasChanges()).isFalse();
        assertThat(p.notes()).singleElement().satisfies(n -> assertThat(n).startsWith("ami-platform/celeryworker: the app's "
                + "docker-compose.worker.yml (or what it interpolates) changed since its containers were created"));
        ObservedHost same = new ObservedHost("w1", pulled.files(), "v1", List.of(running), Set.of(), List.of(),
                Map.of("ami-platform", Map.of("celeryworker", "hash-then")));
        assertThat(Planner.plan(desired, same, SecretValues.none(), "").notes()).isEmpty();
    }

    static final String V1 = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static final String V2 = "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    /** The app host's checkout shipped from git at {@code ref}; it runs the release command. */
    static HostState shipped(String ref) {
        ComposeProject app = new ComposeProject("ami-platform", "~/ami-platform", "docker-compose.production.yml",
                List.of(new ComposeProject.Service("django", 1, IMAGE), new ComposeProject.Service("celeryworker", 1, IMAGE),
                        new ComposeProject.Service("flower", 0, IMAGE)), List.of(ENV), List.of(), false, URL, List.of(), true, Optional.empty());
        Release release = new Release("git://origin/antenna.git", ref, Optional.of(new Release.Command("w1", "django",
                List.of("python", "manage.py", "migrate"))), Optional.empty(), Optional.empty(), Map.of());
        return new HostState(WORKER, List.of(), List.of(new ManagedEnv(ENV, new LinkedHashMap<>(URL), "")), List.of(app), NO_DUTIES,
                List.of(new DesiredRelease("app", app, release, true)));
    }

    static ObservedHost checkedOut(Checkout c) {
        List<ObservedContainer> running = List.of(container("ami-platform", "django", 1, "running", URL),
                container("ami-platform", "celeryworker", 1, "running", URL));
        return new ObservedHost("w1", Map.of(ENV, Optional.of("NATS_URL=nats://nats:4222\n")), "v1", running, Set.of(), List.of(), Map.of(),
                Map.of(), Optional.empty(), Map.of("ami-platform", c));
    }

    @Test
    void aCheckoutBehindItsRefIsAVersionChangeThatRecreatesEveryRunningService() throws Exception {
        Checkout behind = new Checkout(V1, List.of(), Optional.of(V2), Optional.empty(), 2, 0, List.of("2222222 worker: drains", "1234567 migration"),
                true, Optional.of("v1"));
        Plan.HostPlan p = plan(shipped("v2"), checkedOut(behind));
        assertThat(p.error()).isEmpty();
        assertThat(p.versions()).singleElement().satisfies(v -> {
            assertThat(v.range()).isEqualTo("1111111 → 2222222");
            assertThat(v.ahead()).isEqualTo(2);
            assertThat(v.command()).contains("python manage.py migrate (in a new django container)");
            assertThat(v.fromTag()).contains("v1");
            assertThat(v.blocker()).isEmpty();
        });
        assertThat(p.services()).extracting(Plan.ServiceChange::service).containsExactly("django", "celeryworker");
        assertThat(p.services()).allSatisfy(s -> {
            assertThat(s.action()).isEqualTo(Action.REPLACE);
            assertThat(s.reason()).isEqualTo(Reason.NEW_VERSION);
            assertThat(s.detail()).isEqualTo("runs 2222222 (v2)");
        });
        Plan whole = new Plan("1.0", "i", "t", List.of(p), Map.of());
        assertThat(whole.summary().change()).isEqualTo(3);
        String json = PlanJson.write(whole, Map.of());
        assertThat(Schemas.problems("plan", json)).isEmpty();
        assertThat(PlanJson.readSaved(json).plan().hosts().get(0).versions()).as("a saved plan keeps them").isEqualTo(p.versions());
    }

    @Test
    void aNewVersionWhoseReleaseCommandHostIsLeftOutByLimitIsAnError() {
        Checkout behind = new Checkout(V1, List.of(), Optional.of(V2), Optional.empty(), 2, 0, List.of(), true, Optional.empty());
        HostState onApp = shipped("v2");
        // The worker's deployment has no command of its own: the app host's migration, from the same remote, is its too.
        Release workerRelease = new Release("git://origin/antenna.git", "v2", Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
        HostState worker = new HostState(WORKER, onApp.files(), onApp.env(), onApp.projects(), NO_DUTIES,
                List.of(new DesiredRelease("worker", onApp.projects().get(0), workerRelease, false)));
        Release appRelease = new Release("git://origin/antenna.git", "v2", Optional.of(new Release.Command("app-1", "django", List.of("migrate"))),
                Optional.empty(), Optional.empty(), Map.of());
        HostState app = new HostState(NATS, List.of(), List.of(), onApp.projects(), NO_DUTIES,
                List.of(new DesiredRelease("app", onApp.projects().get(0), appRelease, true)));
        Plan.HostPlan p = plan(worker, checkedOut(behind));
        assertThat(p.error()).isEmpty();
        List<Plan.HostPlan> checked = Planner.releaseCommandHostsPlanned(List.of(p), List.of(worker, app));
        assertThat(checked.get(0).error()).contains("w1: the release command `migrate` of this version runs on app-1, which --limit leaves"
                + " out: include app-1 (it runs first), or apply without --limit");
        Plan.HostPlan appPlan = new Plan.HostPlan("app-1", List.of("app"), "", List.of(), List.of(), Optional.empty());
        assertThat(Planner.releaseCommandHostsPlanned(List.of(p, appPlan), List.of(worker, app)).get(0).error()).as("planned together").isEmpty();
        Release elsewhere = new Release("git://origin/other.git", "v2", appRelease.command(), Optional.empty(), Optional.empty(), Map.of());
        HostState other = new HostState(NATS, List.of(), List.of(), onApp.projects(), NO_DUTIES,
                List.of(new DesiredRelease("app", onApp.projects().get(0), elsewhere, true)));
        assertThat(Planner.releaseCommandHostsPlanned(List.of(p), List.of(worker, other)).get(0).error()).as("another app's command").isEmpty();
        // A rollback wants no release command anywhere.
        assertThat(app.rollbackTo(V1).releases().get(0).release().command()).isEmpty();
    }

    @Test
    void atItsRefNothingGoingBackRunsNoReleaseCommandAndWhatCannotBeReadIsAnError() {
        assertThat(plan(shipped("v2"), checkedOut(new Checkout(V2, List.of(), Optional.of(V2), Optional.empty(), 0, 0, List.of(), true,
                Optional.empty()))).hasChanges()).isFalse();
        Plan.HostPlan back = plan(shipped(V1), checkedOut(new Checkout(V2, List.of(), Optional.of(V1), Optional.empty(), 0, 2, List.of(), true,
                Optional.empty())));
        assertThat(back.versions()).singleElement().satisfies(v -> assertThat(v.command()).isEmpty());
        Plan.HostPlan dirty = plan(shipped("v2"), checkedOut(new Checkout(V1, List.of("config/settings.py"), Optional.of(V2), Optional.empty(),
                1, 0, List.of(), true, Optional.empty())));
        assertThat(dirty.versions().get(0).blocker()).get().asString().contains("has local changes to: config/settings.py");
        Plan.HostPlan missing = plan(shipped("v9"), checkedOut(Checkout.parse("head " + V1 + "\nproblem no tag, branch or commit v9 at git://origin/antenna.git\n")));
        assertThat(missing.error()).contains("w1: ~/ami-platform: no tag, branch or commit v9 at git://origin/antenna.git");
        assertThat(missing.versions()).isEmpty();
    }

    @Test
    void aSavedPlanIsStaleWhenAHostOrTheDesiredStateMovedOn() {
        Plan then = new Plan("1.0", "i", "t0", List.of(), Map.of("w1", "abc", "n1", "def"));
        SavedPlan saved = new SavedPlan(then, "", "d1", "t0", "");
        assertThat(saved.staleness(new Plan("1.0", "i", "t1", List.of(), Map.of("w1", "abc", "n1", "def")), "d1")).isEmpty();
        assertThat(saved.staleness(new Plan("1.0", "i", "t1", List.of(), Map.of("w1", "abc", "n1", "XXX")), "d1"))
                .hasValueSatisfying(why -> assertThat(why).contains("n1 changed since it was planned"));
        assertThat(saved.staleness(new Plan("1.0", "i", "t1", List.of(), Map.of("w1", "abc", "n1", "def")), "d2"))
                .hasValueSatisfying(why -> assertThat(why).contains("the inventory or templates changed"));
        assertThat(saved.staleness(new Plan("1.0", "i", "t1", List.of(), Map.of("w1", "abc")), "d1"))
                .hasValueSatisfying(why -> assertThat(why).contains("it covers other hosts"));
    }
}
