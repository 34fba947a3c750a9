{{/* Names and labels. */}}
{{- define "otelgate.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "otelgate.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one role: include "otelgate.selectorLabels" (list $ "ingest") */}}
{{- define "otelgate.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ $root.Chart.Name }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "otelgate.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "otelgate.secretName" -}}
{{- default (printf "%s-secrets" (include "otelgate.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}

{{/*
The gateway config: the chart's settings (listeners on all interfaces, Kafka, API keys read from
the Secret through the environment), with .Values.config merged over them.
*/}}
{{- define "otelgate.config" -}}
{{- $keys := list -}}
{{- range $index, $apiKey := .Values.auth.apiKeys -}}
{{- $keys = append $keys (dict "key" (printf "${env:OTELGATE_API_KEY_%d}" $index) "tenant" (required "auth.apiKeys[].tenant is required" $apiKey.tenant)) -}}
{{- end -}}
{{- $base := dict
  "receivers" (dict "otlp" (dict
    "grpc" (dict "endpoint" "0.0.0.0:4317")
    "http" (dict "endpoint" "0.0.0.0:4318")))
  "buffer" (dict "kafka" (dict
    "brokers" (required "kafka.brokers is required" .Values.kafka.brokers)
    "consumer" (dict "groupId" .Values.kafka.consumerGroup)))
  "auth" (dict "apiKeys" $keys)
  "admin" (dict
    "endpoint" (printf "0.0.0.0:%d" (int .Values.admin.port))
    "token" "${env:OTELGATE_ADMIN_TOKEN:-}")
  "process" (dict "quarantine" (dict "dir" "/var/lib/otelgate/in-hand"))
-}}
{{- toYaml (mustMergeOverwrite $base (deepCopy .Values.config)) -}}
{{- end -}}

{{/* The pod spec both roles share; include "otelgate.podSpec" (dict "root" $ "role" "ingest" "values" .Values.ingest) */}}
{{- define "otelgate.podSpec" -}}
{{- $root := .root -}}
{{- $values := .values -}}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
# The gateway finishes in-flight work within service.shutdownGracePeriodSeconds after SIGTERM.
terminationGracePeriodSeconds: {{ add (int (default 30 (dig "service" "shutdownGracePeriodSeconds" 30 $root.Values.config))) 10 }}
containers:
  - name: otelgate
    image: {{ include "otelgate.image" $root }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    args: ["start", "--config", "/etc/otelgate/otelgate.yaml", "--role", {{ .role | quote }}]
    env:
      - name: NODE_OPTIONS
        value: {{ $values.nodeOptions | quote }}
    envFrom:
      - secretRef:
          name: {{ include "otelgate.secretName" $root }}
    ports:
      {{- if eq .role "ingest" }}
      - { name: otlp-grpc, containerPort: 4317, protocol: TCP }
      - { name: otlp-http, containerPort: 4318, protocol: TCP }
      {{- end }}
      - { name: admin, containerPort: {{ $root.Values.admin.port }}, protocol: TCP }
    livenessProbe:
      httpGet: { path: /healthz, port: admin }
      periodSeconds: 10
      failureThreshold: 3
    readinessProbe:
      httpGet: { path: /readyz, port: admin }
      periodSeconds: 5
      failureThreshold: 2
    startupProbe:
      httpGet: { path: /healthz, port: admin }
      periodSeconds: 2
      failureThreshold: 30
    resources:
      {{- toYaml $values.resources | nindent 6 }}
    securityContext:
      {{- toYaml $root.Values.securityContext | nindent 6 }}
    volumeMounts:
      - { name: config, mountPath: /etc/otelgate, readOnly: true }
      - { name: tmp, mountPath: /tmp }
      # Crash marks (process.quarantine.dir): the root file system is read-only, and an emptyDir
      # outlives the container restarts a record that kills the worker causes.
      - { name: data, mountPath: /var/lib/otelgate }
volumes:
  - name: config
    configMap:
      name: {{ include "otelgate.fullname" $root }}-config
  - name: tmp
    emptyDir: {}
  - name: data
    emptyDir: {}
{{- with $values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
