import { TerraformStack, Testing } from 'cdktf';
import { CloudSqlJob, POSTGRES_UID } from '../../lib/sql/sql-job';
import { testApp } from '../support/app';

type Attrs = Record<string, unknown>;

function jobPod(): { automount_service_account_token: boolean; container: Attrs[] } {
  const stack = new TerraformStack(testApp(), 'test');
  new CloudSqlJob(stack, 'grant', {
    name: 'grant',
    namespace: 'apps',
    googleServiceAccountEmail: 'sql@p.iam.gserviceaccount.com',
    instanceConnectionName: 'p:us-central1:db',
    proxyImage: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.21.0',
    clientImage: 'postgres:17-alpine',
    database: 'app',
    user: 'postgres',
    password: 'secret',
    sql: 'SELECT 1;',
  });
  const json = JSON.parse(Testing.synth(stack)) as {
    resource: { kubernetes_job_v1: Record<string, { spec: { template: { spec: ReturnType<typeof jobPod> } } }> };
  };
  return Object.values(json.resource.kubernetes_job_v1)[0].spec.template.spec;
}

describe('the SQL Job, as its images run', () => {
  const pod = jobPod();
  const [proxy, psql] = pod.container;

  test("psql runs as the postgres user of the Alpine image (docker-library/postgres, adduser -u 70); the image's default is root", () => {
    expect(POSTGRES_UID).toBe(70);
    expect(psql.security_context).toMatchObject({ run_as_non_root: true, run_as_user: '70' });
  });

  test('the proxy runs as its image user, the number 65532: runAsNonRoot needs no runAsUser', () => {
    expect(proxy.security_context).toMatchObject({ run_as_non_root: true });
    expect(proxy.security_context).not.toHaveProperty('run_as_user');
  });

  test('neither writes a file, nor calls the Kubernetes API; memory is capped at what each reserves', () => {
    for (const container of pod.container) {
      expect(container.security_context).toMatchObject({ read_only_root_filesystem: true });
      const { requests, limits } = container.resources as { requests: Attrs; limits: Attrs };
      expect(limits.memory).toBe(requests.memory);
    }
    expect(pod.automount_service_account_token).toBe(false);
  });
});
