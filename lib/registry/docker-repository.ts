import { ITerraformDependable } from 'cdktf';
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { Construct } from 'constructs';

export interface DockerRepositoryProps {
  readonly project: string;
  readonly location: string;
  readonly repositoryId: string;
  readonly description: string;
  /**
   * Customer-managed key for the images; Artifact Registry's service agent must be able to use it first.
   * @default Google-managed encryption
   */
  readonly kmsKeyName?: string;
  /** What must exist first, such as the key grant. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/** An Artifact Registry Docker repository; access is granted on the repository, never project-wide. */
export class DockerRepository extends Construct {
  readonly repository: ArtifactRegistryRepository;
  /** `<location>-docker.pkg.dev/<project>/<repository>` */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DockerRepositoryProps) {
    super(scope, id);
    this.repository = new ArtifactRegistryRepository(this, 'Resource', {
      project: props.project,
      location: props.location,
      repositoryId: props.repositoryId,
      description: props.description,
      format: 'DOCKER',
      kmsKeyName: props.kmsKeyName,
      dependsOn: props.dependsOn,
    });
    this.url = `${props.location}-docker.pkg.dev/${props.project}/${props.repositoryId}`;
  }

  /** Lets `member` pull images. */
  grantReader(id: string, member: string): ArtifactRegistryRepositoryIamMember {
    return new ArtifactRegistryRepositoryIamMember(this, id, {
      project: this.repository.project,
      location: this.repository.location,
      repository: this.repository.name,
      role: 'roles/artifactregistry.reader',
      member,
    });
  }
}
