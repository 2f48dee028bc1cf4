import { stringify } from 'yaml';
import { readAsset, terraformLiteral } from '../assets';

export type IrisRole = 'primary' | 'backup' | 'arbiter' | 'client';

export interface IrisDeployment {
  /** `<region>-docker.pkg.dev/<project>/<repository>` holding iris, webgateway and arbiter images. */
  readonly registry: string;
  readonly irisVersion: string;
  readonly mirrorName: string;
  /** VM names by role. */
  readonly names: Readonly<Record<IrisRole, string>>;
  readonly sshPort: number;
  /** `projects/<project>/secrets/<id>` holding the IRIS license key. */
  readonly licenseSecret: string;
  /**
   * `projects/<project>/secrets/<id>` holding the password of IRIS's CSPSystem user, with which the Web Gateway logs
   * in. The members read it at boot, set it in IRIS and write it into CSP.ini: it is never in metadata.
   */
  readonly cspPasswordSecret: string;
}

const ASSETS = 'lib/iris/assets';
const SETTINGS_MARKER = '# @SETTINGS@';
const ISC_AGENT_PORT = 2188;

function shellSettings(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => {
      const text = String(value);
      if (!/^[A-Za-z0-9@%+=:,./_-]*$/.test(text)) throw new Error(`startup setting ${name} has unsafe characters: ${text}`);
      return `readonly ${name}='${text}'`;
    })
    .join('\n');
}

/** The startup script of a VM: the shared script with this VM's settings. Plain text, not yet Terraform-escaped. */
export function startupScript(role: IrisRole, deployment: IrisDeployment): string {
  const script = readAsset(`${ASSETS}/startup.sh`);
  if (!script.includes(SETTINGS_MARKER)) throw new Error(`${ASSETS}/startup.sh lost its ${SETTINGS_MARKER} line`);
  return script.replace(
    SETTINGS_MARKER,
    shellSettings({
      ROLE: role,
      SSH_PORT: deployment.sshPort,
      REGISTRY_HOST: deployment.registry.split('/')[0],
      LICENSE_SECRET: deployment.licenseSecret,
      CSP_PASSWORD_SECRET: deployment.cspPasswordSecret,
    }),
  );
}

function image(deployment: IrisDeployment, name: string): string {
  return `${deployment.registry}/${name}:${deployment.irisVersion}`;
}

/** docker-compose.yml of a mirror member: IRIS (superserver, ISCAgent, web port) and its Web Gateway on 8080. */
export function memberCompose(role: 'primary' | 'backup', deployment: IrisDeployment): string {
  return stringify({
    services: {
      iris: {
        image: image(deployment, 'iris'),
        container_name: 'iris',
        hostname: deployment.names[role],
        command: '--key /iris/iris.key',
        restart: 'unless-stopped',
        ports: ['1972:1972', `${ISC_AGENT_PORT}:${ISC_AGENT_PORT}`, '53773:53773'],
        environment: { ISC_DATA_DIRECTORY: '/data/db', ISC_CPF_MERGE_FILE: '/iris/mirror.conf' },
        volumes: ['./iris:/iris', '/data:/data'],
      },
      webgateway: {
        image: image(deployment, 'webgateway'),
        container_name: 'webgateway',
        hostname: 'webgateway',
        restart: 'unless-stopped',
        ports: ['8080:80'],
        environment: { ISC_CSP_CONF_FILE: '/webgateway/CSP.conf', ISC_CSP_INI_FILE: '/webgateway/CSP.ini' },
        volumes: ['./webgateway:/webgateway'],
      },
    },
  });
}

export function arbiterCompose(deployment: IrisDeployment): string {
  return stringify({
    services: {
      arbiter: {
        image: image(deployment, 'arbiter'),
        container_name: 'arbiter',
        hostname: 'arbiter',
        restart: 'unless-stopped',
        ports: [`${ISC_AGENT_PORT}:${ISC_AGENT_PORT}`],
      },
    },
  });
}

/** CPF merge file that creates (primary) or joins (backup) the mirror, with the arbiter. */
export function cpfMerge(role: 'primary' | 'backup', deployment: IrisDeployment): string {
  const { mirrorName, names } = deployment;
  return [
    '[Startup]',
    `SystemMode=${mirrorName} ${role}`,
    '',
    '[Actions]',
    'ModifyService:Name=%service_mirror,Enabled=1',
    `ConfigMirror:Name=${mirrorName},Member=${role},Primary=${names.primary},ArbiterURL=${names.arbiter}:${ISC_AGENT_PORT}`,
    '',
  ].join('\n');
}

/**
 * CSP.ini without its password: startup.sh adds `Password=` after the one `Username=CSPSystem` line, from Secret
 * Manager, on the VM. A password in the file would end up in metadata and the Terraform state.
 */
export function cspIniTemplate(): string {
  const text = readAsset(`${ASSETS}/CSP.ini`);
  const lines = text.split('\n');
  if (lines.some((line) => /^Password=/i.test(line))) throw new Error(`${ASSETS}/CSP.ini must not hold a Password`);
  if (lines.filter((line) => line === 'Username=CSPSystem').length !== 1) {
    throw new Error(`${ASSETS}/CSP.ini needs exactly one Username=CSPSystem line: startup.sh puts the password after it`);
  }
  return text;
}

/** Where startup.sh installs vip-check.sh on the members. */
export const VIP_CHECK_PATH = '/usr/local/sbin/iris-vip-check';

/**
 * systemd units of the VIP check on a mirror member, installed by startup.sh under /etc/systemd/system: a oneshot
 * service that runs vip-check.sh (output to the journal), and a timer that starts it a minute after the previous
 * run ended, so two runs never overlap. `execStart` is for tests that verify the units where the script is elsewhere.
 */
export function vipCheckUnits(execStart: string = VIP_CHECK_PATH): { service: string; timer: string } {
  const service = [
    '[Unit]',
    'Description=IRIS mirror: move the VIP here if this member is the primary and the VIP is elsewhere',
    // The script's header says what it does and why.
    `Documentation=file:${VIP_CHECK_PATH}`,
    // IRIS runs in Docker; before startup.sh has deployed move-vip.py (first boot) there is nothing to run.
    'After=docker.service',
    'ConditionPathExists=/isc-mirror/iris/move-vip.py',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${execStart}`,
    // move-vip.py gives up after its 180 s deadline; this leaves room for the IRIS query before it.
    'TimeoutStartSec=240',
    'SyslogIdentifier=iris-vip-check',
    '',
  ].join('\n');
  const timer = [
    '[Unit]',
    'Description=Every minute: is the IRIS mirror VIP on the primary?',
    '',
    '[Timer]',
    'OnBootSec=1min',
    'OnUnitInactiveSec=1min',
    'AccuracySec=5s',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return { service, timer };
}

/**
 * Metadata of a VM: its startup script and the files it deploys, Terraform-escaped. `vip` holds the failover
 * program's settings for the mirror members.
 */
export function vmMetadata(
  role: IrisRole,
  deployment: IrisDeployment,
  vip: Readonly<Record<string, string>>,
): { startupScript: string; metadata: Record<string, string> } {
  const files: Record<string, string> = {};
  if (role === 'primary' || role === 'backup') {
    Object.assign(files, vip, {
      'iris-compose': memberCompose(role, deployment),
      'iris-cpf-merge': cpfMerge(role, deployment),
      'iris-zmirror': readAsset(`${ASSETS}/ZMIRROR.mac`),
      'iris-move-vip': readAsset(`${ASSETS}/move-vip.py`),
      'iris-csp-ini': cspIniTemplate(),
      'iris-csp-conf': readAsset(`${ASSETS}/CSP.conf`),
      'iris-vip-check': readAsset(`${ASSETS}/vip-check.sh`),
      'iris-vip-check-service': vipCheckUnits().service,
      'iris-vip-check-timer': vipCheckUnits().timer,
    });
  } else if (role === 'arbiter') {
    files['iris-compose'] = arbiterCompose(deployment);
  }
  return {
    startupScript: terraformLiteral(startupScript(role, deployment)),
    metadata: Object.fromEntries(Object.entries(files).map(([key, value]) => [key, terraformLiteral(value)])),
  };
}
