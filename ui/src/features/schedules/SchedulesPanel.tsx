//! An agent's schedules: list, create with the cron editor (inputs from the last run), delete,
//! and where the server keeps credits each schedule's spending cap.
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import { keys, useGraphRuns } from "../../api/queries";
import { toast } from "../../components/toast";
import type { components } from "../../api/schema";
import type { ApiGraph } from "../../graph/types";
import { useCreditsEnabled } from "../credits/credits";
import { CronEditor, userTimeZone } from "./CronEditor";
import { SpendingCap } from "./SpendingCap";

type Schedule = components["schemas"]["ScheduleModel"];

export function SchedulesPanel({ graph }: { graph: ApiGraph }) {
  const client = useQueryClient();
  const runs = useGraphRuns(graph.id);
  const credits = useCreditsEnabled();
  const [cron, setCron] = useState("0 9 * * *");
  const [name, setName] = useState("Daily");
  const list = useQuery({
    queryKey: [...keys.schedules, graph.id],
    queryFn: () => unwrap(api.GET("/api/graphs/{graph_id}/schedules", { params: { path: { graph_id: graph.id } } })),
  });
  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      await unwrap(
        api.POST("/api/graphs/{graph_id}/schedules", {
          params: { path: { graph_id: graph.id } },
          body: { name, cron, timezone: userTimeZone(), graph_version: graph.version, inputs: runs.data?.[0]?.inputs ?? {} },
        }),
      );
      void client.invalidateQueries({ queryKey: keys.schedules });
      toast.info("Scheduled");
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };
  const remove = async (s: Schedule) => {
    try {
      await unwrap(api.DELETE("/api/schedules/{schedule_id}", { params: { path: { schedule_id: s.id } } }));
      void client.invalidateQueries({ queryKey: keys.schedules });
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };
  return (
    <section className="flex flex-col gap-2">
      <h2 className="font-semibold">Schedules</h2>
      {list.error && <p role="alert">{errorMessage(list.error)}</p>}
      <ul className="flex flex-col gap-1 text-sm">
        {(list.data ?? []).map((s) => (
          <li key={s.id} className="flex flex-wrap items-center gap-2" data-testid="schedule">
            <span className="font-medium">{s.name}</span>
            <code>{s.cron}</code>
            <span className="text-xs">({s.timezone}) next: {s.next_run_time ? new Date(s.next_run_time).toLocaleString() : "never"}</span>
            <button type="button" className="btn-ghost ml-auto" onClick={() => remove(s)} aria-label={`delete schedule ${s.name}`}>Delete</button>
            {credits && <SpendingCap scheduleId={s.id} name={s.name} />}
          </li>
        ))}
      </ul>
      <form onSubmit={create} className="flex max-w-md flex-col gap-2 rounded-md border border-neutral-200 p-3 dark:border-neutral-700">
        <label htmlFor="schedule-name" className="text-sm font-medium">Schedule name</label>
        <input id="schedule-name" className="input" value={name} onChange={(e) => setName(e.target.value)} required />
        <CronEditor value={cron} onChange={setCron} />
        <p className="text-xs text-neutral-600 dark:text-neutral-400">Runs with the inputs of the last run.</p>
        <button type="submit" className="btn-primary self-start">Add schedule</button>
      </form>
    </section>
  );
}
