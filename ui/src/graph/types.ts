//! The API's graph and block shapes (AutoGPT's export format), independent of React.
import type { components } from "../api/schema";

export type JsonSchema = {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  required?: string[];
  advanced?: boolean;
  hidden?: boolean;
  secret?: boolean;
  placeholder?: string;
  credentials_provider?: string[];
  credentials_types?: string[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  [key: string]: unknown;
};

export interface BlockInfo {
  id: string;
  name: string;
  description: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  categories: { category: string; description: string }[];
  staticOutput: boolean;
  uiType: string;
}

export interface ApiLink {
  id?: string;
  source_id: string;
  sink_id: string;
  source_name: string;
  sink_name: string;
  is_static?: boolean;
}

export interface ApiNode {
  id: string;
  block_id: string;
  input_default: Record<string, unknown>;
  metadata: { position?: { x: number; y: number }; [key: string]: unknown };
  input_links?: ApiLink[];
  output_links?: ApiLink[];
}

export interface ApiGraph {
  id: string;
  version: number;
  name: string;
  description: string;
  nodes: ApiNode[];
  links: ApiLink[];
  is_active?: boolean;
  created_at?: string | null;
  input_schema?: JsonSchema;
  output_schema?: JsonSchema;
  credentials_input_schema?: JsonSchema;
  [key: string]: unknown;
}

/** One graph in the list (`GET /api/graphs` drops nodes and links). */
export interface GraphSummary {
  id: string;
  version: number;
  name: string;
  description: string;
  is_active?: boolean;
  created_at?: string | null;
}

export type ExecutionStatus =
  | "INCOMPLETE"
  | "QUEUED"
  | "RUNNING"
  | "REVIEW"
  | "COMPLETED"
  | "TERMINATED"
  | "FAILED";

export interface NodeExecution {
  node_exec_id: string;
  node_id: string;
  block_id: string;
  status: ExecutionStatus;
  input_data: Record<string, unknown>;
  output_data: Record<string, unknown[]>;
  start_time?: string | null;
  end_time?: string | null;
  seq?: number;
}

export interface Execution {
  id: string;
  graph_id: string;
  graph_version: number;
  inputs: Record<string, unknown> | null;
  status: ExecutionStatus;
  created_at: string;
  started_at?: string | null;
  ended_at?: string | null;
  stats?: Record<string, unknown> | null;
  error?: string | null;
  outputs?: Record<string, unknown[]> | null;
  node_executions?: NodeExecution[];
}

/** The API's graph with its lists always there (the list route leaves them out). */
export function apiGraph(g: components["schemas"]["GraphModel"]): ApiGraph {
  return { ...g, nodes: g.nodes ?? [], links: g.links ?? [] };
}

/** `details.node_errors` of a `graph_invalid` error: node id → pin → message. */
export type NodeErrors = Record<string, Record<string, string>>;
