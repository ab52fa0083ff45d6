import Testing

@testable import TranslatorCore

@Suite("SharedConfigFile")
struct SharedConfigFileTests {
    @Test func credentialsFileSections() {
        let file = SharedConfigFile(
            parsing: """
                # a comment
                ; another
                [default]
                aws_access_key_id = AKIDDEFAULT
                AWS_Secret_Access_Key=secret/with=equals
                \t
                [ dev ]
                  aws_access_key_id = indented lines continue a nested value
                aws_access_key_id =   AKIDDEV\t
                aws_session_token = token # kept: no inline comments

                [profile prod]
                aws_access_key_id = AKIDPROD
                [broken
                aws_access_key_id = ignored
                """, kind: .credentials)
        #expect(
            file.profiles == [
                "default": ["aws_access_key_id": "AKIDDEFAULT", "aws_secret_access_key": "secret/with=equals"],
                "dev": ["aws_access_key_id": "AKIDDEV", "aws_session_token": "token # kept: no inline comments"],
                // In the credentials file the section name is the profile name, spaces and all.
                "profile prod": ["aws_access_key_id": "AKIDPROD"],
            ])
    }

    @Test func configFileSections() {
        let file = SharedConfigFile(
            parsing: "[default]\r\nregion = us-east-1\r\n[profile dev]\nregion=eu-west-1\n[profile  spaced ]\nx=1\n"
                + "[dev]\nregion = ignored: not a profile section in config\n[sso-session s]\nsso_region = x\n"
                + "[profile dev]\nrole_arn = arn\n[services s]\ns3 =\n  endpoint_url = http://x\n",
            kind: .config)
        #expect(
            file.profiles == [
                "default": ["region": "us-east-1"],
                "dev": ["region": "eu-west-1", "role_arn": "arn"],
                "spaced": ["x": "1"],
            ])
    }

    @Test func credentialsWinOverConfig() {
        let credentials = SharedConfigFile(profiles: ["dev": ["aws_access_key_id": "FROMCREDS"]])
        let config = SharedConfigFile(profiles: [
            "dev": ["aws_access_key_id": "FROMCONFIG", "region": "eu-west-1"], "x": [:],
        ])
        #expect(
            SharedConfigFile.merged(credentials: credentials, config: config, profile: "dev")
                == ["aws_access_key_id": "FROMCREDS", "region": "eu-west-1"])
        #expect(SharedConfigFile.merged(credentials: credentials, config: config, profile: "x") == [:])
        #expect(SharedConfigFile.merged(credentials: credentials, config: config, profile: "missing") == nil)
    }
}
