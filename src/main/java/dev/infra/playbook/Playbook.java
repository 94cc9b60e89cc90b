package dev.infra.playbook;

import dev.infra.yaml.Loc;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * A runbook as data: ordered steps, each one of infra's own operations with its arguments already
 * resolved from the playbook's variables.
 *
 * @param args     the infra command line of the step (empty for a confirmation)
 * @param okExits  exit codes that mean "go on" (plan and dead-letters report changes with 2)
 */
public record Playbook(Path file, String description, LinkedHashMap<String, String> vars, List<Step> steps) {
    public record Step(String name, String kind, List<String> args, String prompt, Set<Integer> okExits, Loc loc) {
        public boolean isConfirm() {
            return kind.equals("confirm");
        }
    }
}
