//! `/creators/:name`: a creator's profile, their published agents and their stats.
import { useParams } from "react-router";
import { errorMessage } from "../../api/client";
import { Progress } from "../../components/Progress";
import { ListingGrid } from "./Listings";
import { useCreator } from "./storeApi";

export function CreatorPage() {
  const { name } = useParams();
  const creator = useCreator(name);
  if (creator.isLoading) return <Progress className="p-4" label="Loading the creator…" />;
  if (creator.error) return <p role="alert" className="p-4">{errorMessage(creator.error)}</p>;
  const c = creator.data!;
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4 p-4">
      <div className="flex items-center gap-3">
        {c.avatar_url && <img src={c.avatar_url} alt="" className="h-14 w-14 rounded-full object-cover" />}
        <div>
          <h1 className="text-xl font-semibold">{c.name || c.username}</h1>
          <p className="text-sm text-neutral-600 dark:text-neutral-400">@{c.username}</p>
        </div>
      </div>
      {c.description && <p>{c.description}</p>}
      <p className="text-sm">
        ★ {c.agent_rating.toFixed(1)} average · {c.agent_runs} runs
        {c.top_categories.length > 0 && ` · ${c.top_categories.join(", ")}`}
      </p>
      {c.links.length > 0 && (
        <ul className="flex flex-wrap gap-3 text-sm">
          {c.links.map((l) => (
            <li key={l}>
              <a className="underline" href={l} rel="noopener noreferrer nofollow">{l}</a>
            </li>
          ))}
        </ul>
      )}
      <h2 className="font-semibold">Agents</h2>
      <ListingGrid agents={c.agents} empty="No published agents yet." />
    </div>
  );
}
