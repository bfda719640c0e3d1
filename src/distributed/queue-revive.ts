/**
 * A cluster queue arriving in a task (an argument, or a value a cell's
 * function uses) is made again here, on the cluster whose worker runs the
 * task: the worker gives its children the cluster's address in the
 * environment (internal/cluster/remote-kinds.ts AMBIENT_ENV). Loaded when the
 * first one arrives (entry/kinds.ts). Elsewhere (a local thread or process)
 * there is no such address, and the error says to name the queue there.
 */
import { NotShippableError } from '../errors.js';
import { AMBIENT_ENV, CLUSTER_QUEUE_KIND, type ClusterQueueForm } from '../internal/cluster/remote-kinds.js';
import { registerReviver } from '../internal/share/registry.js';
import { cluster, clusterLink, type Cluster } from './cluster.js';
import { JoinableQueue, Queue, SimpleQueue } from './queues.js';

let ambient: Cluster | undefined;

/** The cluster this process's worker serves, made once per thread. */
function ambientCluster(form: ClusterQueueForm): Cluster {
  if (ambient) return ambient;
  const url = process.env[AMBIENT_ENV.url];
  if (!url) {
    throw new NotShippableError(
      `the cluster ${form.kind} '${form.name}' reaches the tasks a cluster's workers run, not this thread or process: ` +
      `here, make it by its name with cluster(url).${form.kind}('${form.name}')`,
    );
  }
  ambient = cluster(url, { prefix: process.env[AMBIENT_ENV.prefix] || undefined });
  return ambient;
}

function reviveQueue(data: unknown): object {
  const form = data as ClusterQueueForm;
  const link = clusterLink(ambientCluster(form));
  const settings = { leaseSeconds: form.leaseMs / 1000 }; // the maker's: one lease for every consumer of the queue
  if (form.kind === 'SimpleQueue') return new SimpleQueue(link, form.name, settings);
  const options = form.maxsize === null ? {} : { maxsize: form.maxsize };
  return form.kind === 'JoinableQueue' ? new JoinableQueue(link, form.name, options, settings) : new Queue(link, form.name, options, settings);
}

registerReviver(CLUSTER_QUEUE_KIND, reviveQueue);
