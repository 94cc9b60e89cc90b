package dev.infra.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infra.bench.Runs.Run;
import dev.infra.testing.Cli;
import dev.infra.testing.LabExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * `infra plan` against Ansible 2.14's `--check --diff` of an equivalent playbook: same lab hosts,
 * same change (the job-2226 worker without NATS_URL), same run, both as separate processes from a
 * cold start, forks = host count. Reports medians and the ratio; asserts nothing about time.
 *
 *   mvn test -Dsurefire.excludedGroups=none -Dtest=PlanVsAnsibleBenchmark
 */
@Tag("benchmark")
class PlanVsAnsibleBenchmark {
    @RegisterExtension
    static LabExtension lab = new LabExtension();

    static final int RUNS = Integer.getInteger("bench.runs", 5);

    @Test
    void planVersusAnsibleCheckDiff() throws Exception {
        Path work = lab.dir().resolve("bench");
        Files.createDirectories(work);
        List<String> infraBase = new ArrayList<>(List.of("-i", Cli.inventory("lab.yml"), "--templates", Cli.templates()));
        infraBase.addAll(List.of(lab.varArgs()));

        // Converge, then make the seed change on the worker.
        List<String> apply = new ArrayList<>(infraBase);
        apply.addAll(List.of("apply", "--yes"));
        assertThat(Cli.run(apply.toArray(String[]::new)).exitCode()).isZero();
        lab.put("ami-worker-2", "~/ami-platform/.envs/.production/.django", "DJANGO_SECRET_KEY=x\n");

        Path rendered = Runs.render(lab, lab.inventoryFile(), work.resolve("rendered"));
        Path inventory = work.resolve("hosts.ini");
        Files.writeString(inventory, """
                [nats]
                ami-redis-1
                [app]
                ami-live compose_file=docker-compose.production.yml
                [worker]
                ami-worker-2 compose_file=docker-compose.worker.yml
                [all:vars]
                ansible_user=root
                ansible_python_interpreter=/usr/bin/python3
                ansible_ssh_common_args=-F %s
                rendered=%s
                """.formatted(lab.lab().ssh().config(), rendered));
        Path playbook = work.resolve("converge.yml");
        Files.writeString(playbook, """
                # What `infra plan` checks, as an Ansible user would write it.
                - hosts: nats:app:worker
                  gather_facts: false
                  tasks:
                    - name: NATS compose file and nats.conf
                      copy: {src: "{{ rendered }}/{{ inventory_hostname }}/home/nats/{{ item }}", dest: "/root/nats/{{ item }}"}
                      loop: [docker-compose.yml, config/nats.conf]
                      when: "'nats' in group_names"
                    - name: the app/worker compose file
                      copy: {src: "{{ rendered }}/{{ inventory_hostname }}/home/ami-platform/{{ compose_file }}", dest: "/root/ami-platform/{{ compose_file }}"}
                      when: "'nats' not in group_names"
                    - name: NATS_URL in the env file, every other line kept
                      lineinfile: {path: /root/ami-platform/.envs/.production/.django, regexp: "^NATS_URL=", line: "NATS_URL=nats://nats:4222", create: true}
                      when: "'nats' not in group_names"
                    - name: the containers' live environment
                      shell: docker ps -q --filter label=com.docker.compose.project=ami-platform | xargs -r docker inspect --format '{{ '{{' }}.Name{{ '}}' }} {{ '{{' }}.Config.Env{{ '}}' }}'
                      check_mode: false
                      changed_when: false
                      when: "'nats' not in group_names"
                """);

        List<String> infraCmd = new ArrayList<>(List.of("java", "-jar", Cli.repo().resolve("target/infra.jar").toString()));
        infraCmd.addAll(infraBase);
        infraCmd.addAll(List.of("plan", "--detailed-exitcode"));
        List<String> ansibleCmd = List.of("ansible-playbook", "-i", inventory.toString(), playbook.toString(), "--check", "--diff", "-f", "3");

        Run infraWarm = Runs.run(infraCmd, work);
        assertThat(infraWarm.exit()).as(infraWarm.out()).isEqualTo(2);
        assertThat(infraWarm.out()).contains("+ NATS_URL=nats://nats:4222");
        Run ansibleWarm = Runs.run(ansibleCmd, work);
        assertThat(ansibleWarm.exit()).as(ansibleWarm.out()).isZero();
        assertThat(ansibleWarm.out()).containsPattern("ami-worker-2\\s+: ok=\\d+\\s+changed=1");

        List<Long> infra = new ArrayList<>();
        List<Long> ansible = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            infra.add(Runs.run(infraCmd, work).millis());
            ansible.add(Runs.run(ansibleCmd, work).millis());
        }
        long infraMedian = Runs.median(infra);
        long ansibleMedian = Runs.median(ansible);
        String report = String.format("plan vs ansible --check --diff, 3 hosts behind a jump host, %d runs each (after one warm-up)%n"
                        + "  infra plan:              median %5d ms  %s%n"
                        + "  ansible-playbook --check: median %5d ms  %s%n"
                        + "  ratio (ansible / infra): %.1fx%n",
                RUNS, infraMedian, infra, ansibleMedian, ansible, (double) ansibleMedian / infraMedian);
        System.out.print(report);
        Path out = Cli.repo().resolve("target/benchmark/plan-vs-ansible.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }
}
